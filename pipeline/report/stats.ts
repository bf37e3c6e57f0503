/** Mean and sample standard deviation, for aggregating runs over seeds. */

export interface Aggregate {
  mean: number;
  /** Sample standard deviation (n − 1); null for a single value. */
  std: number | null;
  n: number;
}

/** Mean ± sample std of `values` (which must not be empty). */
export function aggregate(values: readonly number[]): Aggregate {
  if (values.length === 0) throw new Error('aggregate of no values');
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, std: null, n };
  const ss = values.reduce((a, v) => a + (v - mean) ** 2, 0);
  return { mean, std: Math.sqrt(ss / (n - 1)), n };
}
