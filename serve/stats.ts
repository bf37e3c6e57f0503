/**
 * Per model version statistics in Triton's format (the statistics extension): counts and
 * cumulative nanoseconds of successful, failed, queued and computed inferences, per batch size.
 */
export interface Duration {
  count: number;
  ns: number;
}

export interface ModelStatistics {
  name: string;
  version: string;
  last_inference: number;
  inference_count: number;
  execution_count: number;
  inference_stats: {
    success: Duration;
    fail: Duration;
    queue: Duration;
    compute_input: Duration;
    compute_infer: Duration;
    compute_output: Duration;
    cache_hit: Duration;
    cache_miss: Duration;
  };
  batch_stats: { batch_size: number; compute_input: Duration; compute_infer: Duration; compute_output: Duration }[];
}

const zero = (): Duration => ({ count: 0, ns: 0 });

/** Accumulates one model version's statistics. */
export class ModelStats {
  private readonly s: ModelStatistics;
  private readonly batches = new Map<number, { count: number; ns: number }>();

  constructor(name: string, version: number) {
    this.s = {
      name,
      version: String(version),
      last_inference: 0,
      inference_count: 0,
      execution_count: 0,
      inference_stats: { success: zero(), fail: zero(), queue: zero(), compute_input: zero(), compute_infer: zero(), compute_output: zero(), cache_hit: zero(), cache_miss: zero() },
      batch_stats: [],
    };
  }

  /** Records a request that succeeded: its rows, total, queue and compute time. */
  success(rows: number, totalNs: number, queueNs: number, computeNs: number): void {
    const st = this.s.inference_stats;
    this.s.inference_count += rows;
    this.s.last_inference = Date.now();
    st.success.count++;
    st.success.ns += totalNs;
    st.queue.count++;
    st.queue.ns += queueNs;
    st.compute_infer.count++;
    st.compute_infer.ns += computeNs;
  }

  /** Records a request that failed after reaching this model. */
  fail(totalNs: number): void {
    this.s.inference_stats.fail.count++;
    this.s.inference_stats.fail.ns += totalNs;
  }

  /** Records one execution of `batchSize` rows. */
  execution(batchSize: number, computeNs: number): void {
    this.s.execution_count++;
    const b = this.batches.get(batchSize) ?? { count: 0, ns: 0 };
    b.count++;
    b.ns += computeNs;
    this.batches.set(batchSize, b);
  }

  /** A snapshot in Triton's JSON shape. */
  snapshot(): ModelStatistics {
    return {
      ...structuredClone(this.s),
      batch_stats: [...this.batches.entries()].sort((a, b) => a[0] - b[0]).map(([batch_size, d]) => ({ batch_size, compute_input: zero(), compute_infer: { ...d }, compute_output: zero() })),
    };
  }
}
