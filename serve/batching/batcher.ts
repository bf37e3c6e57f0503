/**
 * Dynamic batching for one model version, with Triton's knobs: requests whose inputs match in
 * datatype and non-batch dimensions are concatenated along the batch dimension (up to
 * `maxBatchSize` rows), run as one execution, and each request gets exactly its own rows back.
 * A request waits at most `maxQueueDelayMs` for company; a full queue refuses new requests.
 */
import { unavailable, HttpError } from '../errors.ts';
import type { Tensor, TensorData } from '../v2/datatypes.ts';

export interface BatcherOptions {
  /** Rows per execution; 0 = the model has no batch dimension (each request runs alone). */
  maxBatchSize: number;
  maxQueueDelayMs: number;
  /** Requests waiting (not executing) before new ones are refused with 503. */
  maxQueueSize: number;
  /** A request not answered within this many ms fails with 503. */
  timeoutMs: number;
  /** Runs one (possibly batched) execution: inputs in, every model output out. */
  execute: (inputs: Tensor[]) => Promise<Tensor[]>;
  /** Called after every execution with its batch size and compute time. */
  onExecution?: (batchRows: number, computeNs: number, ok: boolean) => void;
  /** Label for error messages, e.g. `model "digits" version 2`. */
  label: string;
}

export interface BatchResult {
  outputs: Tensor[];
  queueNs: number;
  computeNs: number;
  /** Rows in the execution this request ran in. */
  batchRows: number;
}

interface Pending {
  inputs: Tensor[];
  rows: number;
  key: string;
  enqueuedAt: bigint;
  resolve: (r: BatchResult) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
  done: boolean;
}

function concat(parts: TensorData[]): TensorData {
  if (Array.isArray(parts[0])) return (parts as string[][]).flat();
  if (parts.length === 1) return parts[0]!;
  const first = parts[0] as Exclude<TensorData, string[]>;
  const total = parts.reduce((n, p) => n + p.length, 0);
  const ctor = first.constructor as new (n: number) => Exclude<TensorData, string[]>;
  const out = new ctor(total);
  let at = 0;
  for (const p of parts as Exclude<TensorData, string[]>[]) {
    (out as Float32Array).set(p as Float32Array, at);
    at += p.length;
  }
  return out;
}

function sliceRows(t: Tensor, start: number, rows: number, totalRows: number): Tensor {
  const per = totalRows > 0 ? t.data.length / totalRows : 0;
  const data = Array.isArray(t.data) ? t.data.slice(start * per, (start + rows) * per) : (t.data as Float32Array).slice(start * per, (start + rows) * per);
  return { name: t.name, datatype: t.datatype, shape: [rows, ...t.shape.slice(1)], data };
}

/** One model version's request queue and executor (one execution at a time). */
export class DynamicBatcher {
  private readonly queue: Pending[] = [];
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly opts: BatcherOptions) {}

  /** Requests waiting or executing. */
  get pending(): number {
    return this.queue.length + (this.running ? 1 : 0);
  }

  /**
   * Queues one request (inputs in model order, every input's first dimension = its rows when the
   * model batches) and resolves with its own outputs. Rejects with 503 when the queue is full or
   * the request times out.
   */
  submit(inputs: Tensor[]): Promise<BatchResult> {
    if (this.queue.length >= this.opts.maxQueueSize) {
      return Promise.reject(unavailable(`${this.opts.label}: the request queue is full (${this.opts.maxQueueSize} waiting); retry later`, 'queue_full'));
    }
    const batched = this.opts.maxBatchSize > 0;
    const rows = batched ? inputs[0]?.shape[0] ?? 1 : 1;
    const key = batched ? inputs.map((t) => `${t.name}:${t.datatype}:${t.shape.slice(1).join('x')}`).join('|') : `solo:${Math.random()}`;
    return new Promise<BatchResult>((resolve, reject) => {
      const item: Pending = {
        inputs, rows, key, resolve, reject, done: false, enqueuedAt: process.hrtime.bigint(),
        timer: setTimeout(() => {
          const i = this.queue.indexOf(item);
          if (i >= 0) this.queue.splice(i, 1);
          this.finish(item, unavailable(`${this.opts.label}: the request timed out after ${this.opts.timeoutMs} ms`, 'timeout'));
        }, this.opts.timeoutMs),
      };
      this.queue.push(item);
      this.schedule();
    });
  }

  /** Resolves once nothing is queued or executing. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private finish(item: Pending, result: BatchResult | Error): void {
    if (item.done) return;
    item.done = true;
    clearTimeout(item.timer);
    if (result instanceof Error) item.reject(result);
    else item.resolve(result);
  }

  private schedule(): void {
    if (this.running) return;
    if (this.queue.length === 0) {
      const waiters = this.idleWaiters.splice(0);
      for (const w of waiters) w();
      return;
    }
    if (this.timer) return;
    const head = this.queue[0]!;
    const max = Math.max(1, this.opts.maxBatchSize);
    let rows = 0;
    for (const q of this.queue) if (q.key === head.key) rows += q.rows;
    const waitedMs = Number(process.hrtime.bigint() - head.enqueuedAt) / 1e6;
    const remaining = this.opts.maxQueueDelayMs - waitedMs;
    if (this.opts.maxBatchSize <= 0 || rows >= max || remaining <= 0) {
      void this.runBatch();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.schedule();
    }, Math.max(0, Math.ceil(remaining)));
  }

  private async runBatch(): Promise<void> {
    this.running = true;
    const head = this.queue[0]!;
    const max = Math.max(1, this.opts.maxBatchSize);
    const batch: Pending[] = [];
    let rows = 0;
    for (let i = 0; i < this.queue.length; ) {
      const q = this.queue[i]!;
      if (q.key === head.key && (batch.length === 0 || rows + q.rows <= max)) {
        batch.push(q);
        rows += q.rows;
        this.queue.splice(i, 1);
        if (this.opts.maxBatchSize <= 0) break;
      } else i++;
    }
    const started = process.hrtime.bigint();
    try {
      const inputs: Tensor[] = batch.length === 1
        ? batch[0]!.inputs
        : head.inputs.map((t, j) => ({
            name: t.name,
            datatype: t.datatype,
            shape: [rows, ...t.shape.slice(1)],
            data: concat(batch.map((b) => b.inputs[j]!.data)),
          }));
      const outputs = await this.opts.execute(inputs);
      const computeNs = Number(process.hrtime.bigint() - started);
      this.opts.onExecution?.(rows, computeNs, true);
      let at = 0;
      for (const b of batch) {
        const own = batch.length === 1 ? outputs : outputs.map((o) => {
          if (o.shape[0] !== rows) throw new HttpError(500, `${this.opts.label}: output "${o.name}" has ${o.shape[0]} rows for a batch of ${rows}; set max_batch_size 0 in config.json for this model`);
          return sliceRows(o, at, b.rows, rows);
        });
        this.finish(b, { outputs: own, queueNs: Number(started - b.enqueuedAt), computeNs, batchRows: rows });
        at += b.rows;
      }
    } catch (err) {
      this.opts.onExecution?.(rows, Number(process.hrtime.bigint() - started), false);
      const e = err instanceof HttpError ? err : new HttpError(500, `${this.opts.label}: inference failed: ${(err as Error).message}`, 'inference_failed');
      for (const b of batch) this.finish(b, e);
    } finally {
      this.running = false;
      this.schedule();
    }
  }
}
