/**
 * The blessing rule: a model may be published only when its ONNX export computes what the tfjs
 * model computes on real data.
 */
import type { RuntimeParity } from './parity.ts';

export const BLESSING_THRESHOLDS = {
  /** Max abs difference on any output value (probabilities). */
  maxAbsDiff: 1e-4,
  /** Top-1 agreement with tfjs. */
  top1Agreement: 1,
  /** |ONNX accuracy − tfjs accuracy|, in accuracy points (0.1 percentage points). */
  accuracyPoints: 0.001,
  /** Fewest real samples a verdict may rest on. */
  minSamples: 512,
} as const;

/** The verdict and, when refused, every reason in words. */
export function blessingVerdict(samples: number, tfjsAccuracy: number, runtimes: RuntimeParity[]): { blessed: boolean; reasons: string[] } {
  const t = BLESSING_THRESHOLDS;
  const reasons: string[] = [];
  if (samples < t.minSamples) reasons.push(`only ${samples} validation samples (at least ${t.minSamples} are needed)`);
  for (const r of runtimes) {
    for (const o of r.outputs) {
      if (!(o.maxAbsDiff <= t.maxAbsDiff)) reasons.push(`${r.runtime}: output "${o.name}" max abs diff ${o.maxAbsDiff.toExponential(2)} > ${t.maxAbsDiff}`);
      if (o.top1Agreement < t.top1Agreement) reasons.push(`${r.runtime}: output "${o.name}" top-1 agreement ${(o.top1Agreement * 100).toFixed(2)}% < 100%`);
    }
    const gap = Math.abs(r.accuracy - tfjsAccuracy);
    if (gap > t.accuracyPoints + 1e-12) reasons.push(`${r.runtime}: accuracy ${(r.accuracy * 100).toFixed(2)}% differs from tfjs's ${(tfjsAccuracy * 100).toFixed(2)}% by more than 0.1 points`);
  }
  return { blessed: reasons.length === 0, reasons };
}
