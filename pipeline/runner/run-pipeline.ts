/**
 * Runs stages in order inside `runs/<recipe>/<run-id>/`, skipping a stage whose config, inputs
 * and outputs are unchanged since it last finished, and recording everything in manifest.json.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { hashJson, hashPath } from './hash.ts';
import { gitInfo } from './git.ts';
import { readManifest, writeManifest, type Manifest, type StageRecord } from './manifest.ts';
import { writeJsonAtomic } from './atomic.ts';
import { STAGE_NAMES, type ResolvedConfig, type RunOptions, type Stage, type StageContext, type StageName } from './stage.ts';
import type { Recipe } from '../recipe.ts';

const pkgVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The command line of this process as `onnxline <args>`, recorded in the manifest for the report. */
export function invocationLine(argv: readonly string[] = process.argv): string {
  return ['onnxline', ...argv.slice(2).map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))].join(' ');
}

/** Thrown by a stage that a later issue builds; the CLI prints it without a stack. */
export class StageNotAvailableError extends Error {}

/** The run directory for a resolved config: runs/<recipe>/<hash of the config>. */
export function runDirFor(config: ResolvedConfig, runsRoot: string): { runId: string; runDir: string } {
  const runId = `s${config.seed}-${hashJson(config).slice(0, 10)}`;
  return { runId, runDir: resolve(runsRoot, config.recipe, runId) };
}

async function hashAll(runDir: string, paths: string[]): Promise<Record<string, string> | { missing: string }> {
  const out: Record<string, string> = {};
  for (const p of paths) {
    const abs = join(runDir, p);
    if (!existsSync(abs)) return { missing: p };
    out[p] = await hashPath(abs);
  }
  return out;
}

/**
 * Rewrites a finished stage's derived outputs `names` (pictures) when any is missing or differs
 * from its record, and records their new hashes beside the stage's other outputs.
 */
async function redrawDerived(stage: Stage, ctx: StageContext, record: StageRecord, names: string[]): Promise<void> {
  const now = await hashAll(ctx.runDir, names);
  if (!('missing' in now) && names.every((n) => record.outputs[n] === now[n])) return;
  ctx.log(`${stage.name}: drawing ${names.join(', ')} from the stage's finished outputs (missing or changed since it ran)`);
  await stage.derived!.write(ctx);
  const redrawn = await hashAll(ctx.runDir, names);
  if ('missing' in redrawn) throw new Error(`stage "${stage.name}" did not redraw ${redrawn.missing}: this is a bug in onnxline`);
  record.outputs = { ...record.outputs, ...redrawn };
  await writeManifest(join(ctx.runDir, 'manifest.json'), ctx.manifest);
}

function sameHashes(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

export interface PipelineResult {
  runDir: string;
  manifest: Manifest;
  ran: StageName[];
  skipped: StageName[];
}

/** Runs `stageNames` (in pipeline order) for a recipe; stages are looked up in `stages`. */
export async function runPipeline(
  recipe: Recipe,
  config: ResolvedConfig,
  stageNames: StageName[],
  stages: ReadonlyMap<StageName, Stage>,
  options: RunOptions,
): Promise<PipelineResult> {
  const log = options.log;
  const ordered = STAGE_NAMES.filter((s) => stageNames.includes(s));
  const { runId, runDir } = runDirFor(config, options.runsRoot);
  const manifestPath = join(runDir, 'manifest.json');
  const now = new Date().toISOString();
  const manifest: Manifest = (await readManifest(manifestPath)) ?? {
    formatVersion: 1,
    recipe: recipe.name,
    runId,
    createdAt: now,
    updatedAt: now,
    seed: config.seed,
    config,
    git: gitInfo(),
    onnxlineVersion: pkgVersion,
    stages: {},
  };
  await writeJsonAtomic(join(resolve(options.runsRoot, recipe.name), 'latest.json'), { runId, runDir });
  log(`run: ${recipe.name} → ${runDir}`);
  const ran: StageName[] = [];
  const skipped: StageName[] = [];

  for (const name of ordered) {
    const stage = stages.get(name);
    if (!stage) throw new StageNotAvailableError(`stage "${name}" is not available yet`);
    const configHash = hashJson(stage.configSlice(config));
    const inputs = await hashAll(runDir, stage.inputs(config));
    if ('missing' in inputs) {
      const producer = STAGE_NAMES.find((s) => stages.get(s)?.outputs(config).some((o) => inputs.missing.startsWith(o)));
      throw new Error(
        `stage "${name}" needs ${inputs.missing} in ${runDir}, which does not exist yet` +
          (producer ? `: run \`onnxline ${producer} ${recipe.name}\` (with the same options) or \`onnxline pipeline ${recipe.name}\` first` : ''),
      );
    }
    const ctx: StageContext = { recipe, config, options, runDir, manifest, path: (rel) => join(runDir, rel), log };
    const prev = manifest.stages[name];
    if (!options.force && prev?.status === 'done' && prev.configHash === configHash && sameHashes(prev.inputs, inputs)) {
      const derived = new Set(stage.derived?.outputs(config) ?? []);
      const withoutDerived = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).filter(([k]) => !derived.has(k)));
      const outputs = await hashAll(runDir, stage.outputs(config).filter((o) => !derived.has(o)));
      if (!('missing' in outputs) && sameHashes(withoutDerived(prev.outputs), outputs)) {
        const stale = stage.staleReason ? await stage.staleReason(ctx) : null;
        if (!stale) {
          if (derived.size) await redrawDerived(stage, ctx, prev, [...derived]);
          log(`${name}: up to date, skipped (inputs and config unchanged; --force reruns it)`);
          skipped.push(name);
          continue;
        }
        log(`${name}: rerunning: ${stale}`);
      }
    }
    const record: StageRecord = { status: 'running', startedAt: new Date().toISOString(), configHash, inputs, outputs: {} };
    manifest.stages[name] = record;
    manifest.git = gitInfo();
    manifest.invocation = invocationLine();
    await writeManifest(manifestPath, manifest);
    log(`${name}: ${stage.description}`);
    const t0 = performance.now();
    try {
      record.metrics = await stage.run(ctx);
    } catch (err) {
      record.status = 'failed';
      record.error = (err as Error).message;
      record.finishedAt = new Date().toISOString();
      record.durationMs = Math.round(performance.now() - t0);
      await writeManifest(manifestPath, manifest);
      throw err;
    }
    const outputs = await hashAll(runDir, stage.outputs(config));
    if ('missing' in outputs) throw new Error(`stage "${name}" finished without writing ${outputs.missing}: this is a bug in onnxline`);
    record.outputs = outputs;
    record.status = 'done';
    record.finishedAt = new Date().toISOString();
    record.durationMs = Math.round(performance.now() - t0);
    await writeManifest(manifestPath, manifest);
    log(`${name}: done in ${(record.durationMs / 1000).toFixed(1)} s`);
    ran.push(name);
  }
  return { runDir, manifest, ran, skipped };
}
