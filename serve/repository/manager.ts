/**
 * The live model repository: loads the newest version of every model found under the root, polls
 * for new versions and swaps them in once loaded and warmed (the old version is released after its
 * in-flight requests), keeps the old version serving when a new one is broken, and implements the
 * repository extension's index, load and unload.
 */
import { HttpError, notFound, unavailable } from '../errors.ts';
import type { ServerMetrics } from '../metrics.ts';
import type { SessionOptions } from '../sessions/session.ts';
import type { ModelStatistics } from '../stats.ts';
import { discoverModels, discoverVersions, isValidModelName, readModelConfig } from './discover.ts';
import { LoadedModel, type BatchingDefaults } from './loaded-model.ts';

export interface ManagerOptions {
  root: string;
  session: SessionOptions;
  batching: BatchingDefaults;
  /** Poll interval for new versions in ms (0 = no polling). */
  pollMs: number;
  metrics: ServerMetrics;
  log: (line: string) => void;
}

interface ModelEntry {
  name: string;
  current?: LoadedModel;
  /** Versions that failed to load, by version: the file's fingerprint and why. */
  failed: Map<number, { fingerprint: string; reason: string }>;
  /** Unloaded through the repository API: polling leaves it alone until loaded again. */
  unloaded: boolean;
  busy?: Promise<void>;
}

export interface IndexEntry {
  name: string;
  version?: string;
  state: 'READY' | 'UNAVAILABLE' | 'LOADING';
  reason: string;
}

/** Validates a model name from a URL; 400 for a name that could leave the repository. */
export function checkModelName(name: string): string {
  if (!isValidModelName(name)) throw new HttpError(400, `invalid model name "${name}": names use only letters, digits, "_", "." and "-", and never ".."`);
  return name;
}

/** The load log's note on text input: which tokenizer a text model takes text through, or why it cannot. */
function textNote(m: LoadedModel): string {
  if (m.tokenizer) return `; takes text (BYTES) through its ${m.tokenizer.spec.level}-level tokenizer`;
  return m.tokenizerProblem ? `; takes no text: ${m.tokenizerProblem}` : '';
}

export class ModelManager {
  private readonly models = new Map<string, ModelEntry>();
  private poller: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private started = false;
  private closing = false;

  constructor(private readonly opts: ManagerOptions) {}

  /** Loads every model found, then starts polling. Models that fail are logged and reported, not fatal. */
  async start(): Promise<void> {
    await this.poll();
    this.started = true;
    if (this.opts.pollMs > 0) {
      this.poller = setInterval(() => {
        if (!this.polling) this.polling = this.poll().finally(() => (this.polling = undefined));
      }, this.opts.pollMs);
      this.poller.unref();
    }
  }

  /** True once the initial load finished and until shutdown begins. */
  get ready(): boolean {
    return this.started && !this.closing;
  }

  /** Readiness goes false at once; polling stops. */
  beginShutdown(): void {
    this.closing = true;
    if (this.poller) clearInterval(this.poller);
  }

  /** Waits for in-flight work and releases every session. */
  async close(): Promise<void> {
    this.beginShutdown();
    await this.polling;
    for (const e of this.models.values()) {
      await e.busy;
      const m = e.current;
      e.current = undefined;
      if (m) {
        await m.batcher.idle();
        m.retire();
      }
    }
  }

  /** One scan of the repository: new models and newer versions are loaded. */
  async poll(): Promise<void> {
    let names: string[];
    try {
      names = await discoverModels(this.opts.root);
    } catch (err) {
      this.opts.log(`repository: cannot read ${this.opts.root}: ${(err as Error).message}`);
      return;
    }
    for (const name of names) {
      const entry = this.entry(name);
      if (entry.unloaded || this.closing) continue;
      await this.refresh(entry, false);
    }
  }

  private entry(name: string): ModelEntry {
    let e = this.models.get(name);
    if (!e) {
      e = { name, failed: new Map(), unloaded: false };
      this.models.set(name, e);
    }
    return e;
  }

  /** Loads the newest loadable version if it is newer than the current one (serialised per model). */
  private async refresh(entry: ModelEntry, explicit: boolean): Promise<void> {
    while (entry.busy) await entry.busy;
    const work = this.refreshNow(entry, explicit);
    entry.busy = work.finally(() => (entry.busy = undefined));
    await entry.busy;
  }

  private async refreshNow(entry: ModelEntry, explicit: boolean): Promise<void> {
    const versions = await discoverVersions(this.opts.root, entry.name);
    const newest = versions.at(-1);
    if (!newest || (entry.current && entry.current.version >= newest.version)) return;
    const failed = entry.failed.get(newest.version);
    if (failed && failed.fingerprint === newest.fingerprint && !explicit) return;
    const t0 = performance.now();
    try {
      const config = await readModelConfig(this.opts.root, entry.name);
      const model = await LoadedModel.load(entry.name, newest.version, newest.path, config, this.opts.session, this.opts.batching, this.opts.metrics);
      if (this.closing || entry.unloaded) {
        model.retire();
        return;
      }
      const old = entry.current;
      entry.current = model;
      entry.failed.delete(newest.version);
      this.opts.metrics.loaded.set({ model: entry.name, version: String(model.version), execution_provider: model.provider }, 1);
      this.opts.log(`repository: ${entry.name} version ${model.version} loaded on ${model.provider} and warmed up in ${Math.round(performance.now() - t0)} ms${old ? ` (replaces version ${old.version}, released after its ${old.inFlight} in-flight request(s))` : ''}${textNote(model)}`);
      old?.retire();
    } catch (err) {
      const reason = (err as Error).message;
      entry.failed.set(newest.version, { fingerprint: newest.fingerprint, reason });
      this.opts.metrics.loadFailures.inc({ model: entry.name, version: String(newest.version) });
      this.opts.log(`repository: ${entry.name} version ${newest.version} failed to load: ${reason}${entry.current ? ` — version ${entry.current.version} keeps serving` : ''}`);
    }
  }

  /** Names of models the repository holds. */
  async known(name: string): Promise<boolean> {
    return this.models.has(name) || (await discoverVersions(this.opts.root, name)).length > 0;
  }

  /**
   * The model version a request should use, acquired (call `release()` when done). 404 for an
   * unknown model or version, 503 for a model that isn't loaded.
   */
  async acquire(name: string, version?: string): Promise<LoadedModel> {
    checkModelName(name);
    const entry = this.models.get(name);
    if (!entry && !(await this.known(name))) throw notFound(`model "${name}" not found in the repository; GET /v2/repository/index lists the models`);
    const current = entry?.current;
    if (version !== undefined) {
      if (!/^[0-9]+$/.test(version)) throw notFound(`model "${name}" has no version "${version}"; versions are positive integers`);
      if (!current || current.version !== Number(version)) {
        const versions = (await discoverVersions(this.opts.root, name)).map((v) => v.version);
        if (!versions.includes(Number(version))) throw notFound(`model "${name}" has no version ${version}; the repository holds version(s) ${versions.join(', ') || 'none'}`);
        throw unavailable(`model "${name}" version ${version} is not loaded; ${current ? `version ${current.version} is` : 'no version is'} being served`, 'not_ready');
      }
    }
    if (!current) {
      const why = entry?.unloaded ? 'it was unloaded; POST /v2/repository/models/' + name + '/load loads it' : this.closing ? 'the server is shutting down' : this.lastFailure(entry) ?? 'it is not loaded yet';
      throw unavailable(`model "${name}" is not ready: ${why}`, 'not_ready');
    }
    current.acquire();
    return current;
  }

  private lastFailure(entry: ModelEntry | undefined): string | undefined {
    const last = entry ? [...entry.failed.entries()].at(-1) : undefined;
    return last ? `version ${last[0]} failed to load: ${last[1].reason}` : undefined;
  }

  /** The loaded version of a model, without acquiring it (metadata, readiness). */
  current(name: string): LoadedModel | undefined {
    return this.models.get(name)?.current;
  }

  /** Every loaded model version. */
  loaded(): LoadedModel[] {
    return [...this.models.values()].flatMap((e) => (e.current ? [e.current] : []));
  }

  /** The repository index: every model found, with its version and state. */
  async index(readyOnly: boolean): Promise<IndexEntry[]> {
    const names = new Set([...(await discoverModels(this.opts.root)), ...this.models.keys()]);
    const out: IndexEntry[] = [];
    for (const name of [...names].sort()) {
      const e = this.models.get(name);
      if (e?.current) out.push({ name, version: String(e.current.version), state: 'READY', reason: '' });
      else if (!readyOnly) {
        const failure = this.lastFailure(e);
        out.push({ name, state: e?.busy ? 'LOADING' : 'UNAVAILABLE', reason: e?.unloaded ? 'unloaded' : failure ?? 'not loaded' });
      }
      if (!readyOnly && e) {
        for (const [v, f] of e.failed) if (!e.current || v > e.current.version) out.push({ name, version: String(v), state: 'UNAVAILABLE', reason: f.reason });
      }
    }
    return out;
  }

  /** Repository extension: loads (or reloads) a model's newest version; 404 when absent, 400 when it fails. */
  async load(name: string): Promise<void> {
    checkModelName(name);
    if (!(await this.known(name))) throw notFound(`model "${name}" not found in the repository ${this.opts.root}`);
    const entry = this.entry(name);
    entry.unloaded = false;
    await this.refresh(entry, true);
    if (!entry.current) throw new HttpError(400, `failed to load model "${name}": ${this.lastFailure(entry) ?? 'no version holds a model.onnx'}`);
  }

  /** Repository extension: unloads a model (in-flight requests finish first); polling won't reload it. */
  async unload(name: string): Promise<void> {
    checkModelName(name);
    const entry = this.models.get(name);
    if (!entry && !(await this.known(name))) throw notFound(`model "${name}" not found in the repository`);
    const e = this.entry(name);
    while (e.busy) await e.busy;
    e.unloaded = true;
    const old = e.current;
    e.current = undefined;
    old?.retire();
  }

  /** Statistics of loaded versions (optionally one model, one version). */
  stats(name?: string, version?: string): ModelStatistics[] {
    return this.loaded()
      .filter((m) => (name === undefined || m.name === name) && (version === undefined || String(m.version) === version))
      .map((m) => m.stats.snapshot());
  }
}
