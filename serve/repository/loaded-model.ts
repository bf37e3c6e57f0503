/**
 * One loaded model version: its warmed session, IO specs, labels, preprocessing and (text models)
 * tokenizer, its batcher and statistics, and a count of requests using it so that a replaced
 * version is released only after its in-flight requests finish.
 */
import { readFile } from 'node:fs/promises';
import { readMetadata } from '../../pipeline/export/metadata.ts';
import type { ModelConfig, TensorSpec } from '../../pipeline/publish/config.ts';
import type { ImageInputSpec } from '../../pipeline/preprocess/spec.ts';
import { DynamicBatcher } from '../batching/batcher.ts';
import { createSession, type SessionOptions } from '../sessions/session.ts';
import type { WorkerSession } from '../sessions/worker-session.ts';
import type { ExecutionProvider } from '../sessions/device.ts';
import { ModelStats } from '../stats.ts';
import type { ServerMetrics } from '../metrics.ts';
import { v2FromOrt, type Tensor } from '../v2/datatypes.ts';
import { textTokenizer } from '../v2/text.ts';
import { TOKENIZER_METADATA_KEY, type Tokenizer } from '../../pipeline/data/text/tokenize.ts';

export interface BatchingDefaults {
  maxBatchSize: number;
  maxQueueDelayMs: number;
  maxQueueSize: number;
  timeoutMs: number;
}

export class LoadedModel {
  readonly stats: ModelStats;
  readonly batcher: DynamicBatcher;
  private inflight = 0;
  private retired = false;
  private released = false;

  private constructor(
    readonly name: string,
    readonly version: number,
    readonly path: string,
    private readonly session: WorkerSession,
    readonly provider: ExecutionProvider,
    readonly inputs: TensorSpec[],
    readonly outputs: TensorSpec[],
    readonly labels: string[] | undefined,
    readonly preprocessing: ImageInputSpec | undefined,
    readonly maxBatchSize: number,
    /** Text models: the tokenizer from the model's metadata, through which requests may send text (BYTES). */
    readonly tokenizer: Tokenizer | undefined,
    /** Why the model's tokenizer metadata cannot be used (the model then takes no text), for the load log. */
    readonly tokenizerProblem: string | undefined,
    batching: BatchingDefaults,
    private readonly metrics: ServerMetrics,
  ) {
    this.stats = new ModelStats(name, version);
    const tags = { model: name, version: String(version) };
    this.batcher = new DynamicBatcher({
      label: `model "${name}" version ${version}`,
      maxBatchSize,
      maxQueueDelayMs: batching.maxQueueDelayMs,
      maxQueueSize: batching.maxQueueSize,
      timeoutMs: batching.timeoutMs,
      execute: (inputs) => this.run(inputs),
      onExecution: (rows, ns, ok) => {
        if (!ok) return;
        this.stats.execution(rows, ns);
        metrics.executions.inc(tags);
        metrics.inferences.inc(tags, rows);
      },
    });
  }

  /**
   * Loads, describes and warms up `path`. Labels, preprocessing and batching come from config.json
   * when given, else from the model's onnxline metadata and the server defaults; the tokenizer
   * from the metadata only (a model whose tokenizer metadata is unusable takes no text, and
   * `tokenizerProblem` says why).
   */
  static async load(name: string, version: number, path: string, config: Partial<ModelConfig> | null, session: SessionOptions, batching: BatchingDefaults, metrics: ServerMetrics): Promise<LoadedModel> {
    const bytes = new Uint8Array(await readFile(path));
    const created = await createSession(path, bytes, session);
    let meta: Record<string, string> = {};
    try {
      meta = readMetadata(bytes);
    } catch {
      meta = {};
    }
    const parse = <T>(key: string): T | undefined => {
      try {
        return meta[key] ? (JSON.parse(meta[key]!) as T) : undefined;
      } catch {
        return undefined;
      }
    };
    const labels = config?.labels ?? parse<string[]>('onnxline.labels');
    const preprocessing = config?.preprocessing ?? parse<ImageInputSpec>('onnxline.preprocessing');
    let tokenizer: Tokenizer | undefined;
    let tokenizerProblem: string | undefined;
    try {
      tokenizer = textTokenizer(meta[TOKENIZER_METADATA_KEY], created.inputs);
    } catch (err) {
      tokenizerProblem = (err as Error).message;
    }
    const batchable = [...created.inputs, ...created.outputs].every((t) => t.shape.length > 0 && t.shape[0] === -1);
    const configured = config?.max_batch_size ?? batching.maxBatchSize;
    const maxBatchSize = batchable ? configured : 0;
    const delayUs = config?.dynamic_batching?.max_queue_delay_microseconds;
    const queueSize = config?.dynamic_batching?.max_queue_size;
    return new LoadedModel(name, version, path, created.session, created.provider, created.inputs, created.outputs, labels, preprocessing, maxBatchSize, tokenizer, tokenizerProblem, {
      ...batching,
      ...(delayUs !== undefined ? { maxQueueDelayMs: delayUs / 1000 } : {}),
      ...(queueSize !== undefined ? { maxQueueSize: queueSize } : {}),
    }, metrics);
  }

  private async run(inputs: Tensor[]): Promise<Tensor[]> {
    const results = await this.session.run(inputs);
    return this.outputs.map((spec) => {
      const r = results.find((o) => o.name === spec.name)!;
      return { name: spec.name, datatype: v2FromOrt(r.type) ?? spec.datatype, shape: r.dims, data: r.data };
    });
  }

  /** Marks one more request using this version; pair with `release()`. */
  acquire(): void {
    this.inflight++;
  }

  /** Ends a request's use; a retired version is closed when its last request ends. */
  release(): void {
    this.inflight--;
    if (this.retired && this.inflight <= 0) void this.close();
  }

  /** Stops new use; closes the session once in-flight requests have finished. */
  retire(): void {
    this.retired = true;
    if (this.inflight <= 0) void this.close();
  }

  get inFlight(): number {
    return this.inflight;
  }

  private async close(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.batcher.idle();
    this.metrics.loaded.remove({ model: this.name, version: String(this.version), execution_provider: this.provider });
    await this.session.release().catch(() => undefined);
  }
}
