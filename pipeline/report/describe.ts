/**
 * Phrases that report notes build from a run's own records (history, evaluation), so that a note
 * quoting epochs, speed or a curve always quotes the run the report shows. Plain text, fixed
 * formatting; a figure that was not recorded (no history, a null or NaN value) is written as
 * "not recorded" or "?", never invented.
 */
import type { EpochRecord } from '../train/history.ts';
import type { RunFacts } from './run-facts.ts';
import { int } from './format.ts';

const pct1 = (fraction: number): string => (fraction * 100).toFixed(1);
const finite = (values: readonly (number | null)[]): number[] => values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));

/**
 * A run's validation accuracy per epoch, e.g. "88.9 → 92.9 → 93.5 → 94.1% (highest at the last
 * epoch)"; with more than `last` epochs only the last `last` are listed, after "…".
 */
export function valAccuracyCurve(history: readonly EpochRecord[] | null, last = 6): string {
  const values = (history ?? []).map((r) => r.valAcc as number | null);
  if (!finite(values).length) return 'not recorded';
  const shown = values.slice(-last).map((v) => (v !== null && Number.isFinite(v) ? pct1(v) : '?')).join(' → ');
  const best = values.indexOf(Math.max(...finite(values)));
  const where = best === values.length - 1 ? 'highest at the last epoch' : `highest at epoch ${best + 1} of ${values.length}`;
  return `${values.length > last ? '… → ' : ''}${shown}% (${where})`;
}

/** Median training samples/s over a run's epochs, rounded ("~218"), or "?" when not recorded. */
export function trainingRate(history: readonly EpochRecord[] | null): string {
  const rates = (history ?? []).map((r) => r.samplesPerSec).filter((v) => Number.isFinite(v) && v > 0).sort((a, b) => a - b);
  if (!rates.length) return '?';
  const mid = rates.length >> 1;
  const median = rates.length % 2 ? rates[mid]! : (rates[mid - 1]! + rates[mid]!) / 2;
  return `~${int(median)}`;
}

/** Mean minutes per epoch of a run ("4.3"), or "?" when not recorded. */
export function minutesPerEpoch(history: readonly EpochRecord[] | null): string {
  const seconds = finite((history ?? []).map((r) => r.seconds));
  if (!seconds.length) return '?';
  return (seconds.reduce((a, v) => a + v, 0) / seconds.length / 60).toFixed(1);
}

/** "12 epochs", from the run's history (or its manifest metrics). */
export function epochsTrained(run: RunFacts): string {
  const n = run.history?.length ?? run.epochsRun;
  return n === null ? 'an unrecorded number of epochs' : `${n} epoch${n === 1 ? '' : 's'}`;
}

/** The highest training accuracy of any epoch ("100.0%"), or "not recorded". */
export function peakTrainingAccuracy(history: readonly EpochRecord[] | null): string {
  const acc = finite((history ?? []).map((r) => r.acc));
  return acc.length ? `${pct1(Math.max(...acc))}%` : 'not recorded';
}

/** The 1-based epoch with the lowest validation loss, or null. */
export function lowestValLossEpoch(history: readonly EpochRecord[] | null): number | null {
  if (!history?.length) return null;
  let best = 0;
  history.forEach((r, i) => {
    if (r.valLoss < history[best]!.valLoss) best = i;
  });
  return best + 1;
}

/** Whole-sequence validation accuracy of the kept epoch's primary output ("0.0%"), or null when the run has none. */
export function keptSequenceAccuracy(run: RunFacts): string | null {
  const kept = run.bestEpoch !== null ? run.history?.[run.bestEpoch - 1] : run.history?.at(-1);
  const seq = kept?.valHeads?.[0]?.sequenceAcc;
  return typeof seq === 'number' ? `${pct1(seq)}%` : null;
}

/**
 * Per-class test accuracies of a run, lowest first: "utils 35%, admin 58%"; `count` classes from
 * the bottom (or, with `top`, from the top, highest first).
 */
export function classAccuracies(run: RunFacts, count: number, top = false): string {
  const entries = Object.entries(run.perClassAccuracy ?? {}).filter(([, v]) => typeof v === 'number' && Number.isFinite(v));
  if (!entries.length) return 'not recorded';
  entries.sort((a, b) => (top ? b[1] - a[1] : a[1] - b[1]) || a[0].localeCompare(b[0]));
  return entries
    .slice(0, count)
    .map(([name, v]) => `${name} ${Math.round(v * 100)}%`)
    .join(', ');
}
