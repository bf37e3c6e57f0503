/**
 * What the report needs from one run directory: our number (of the same kind as the study's),
 * the split sizes, parameters, training time, backend and the ONNX parity result — read from the
 * files and manifest metrics the stages write. Unreadable optional files are warnings.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EpochRecord } from '../train/history.ts';
import type { Evaluation } from '../train/evaluate.ts';
import type { ParityReport } from '../stages/validate.ts';
import { readJsonObjectIfExists } from '../runner/read-json.ts';
import type { SelectedRun } from './select-runs.ts';

/** Which of our measurements a study's metric corresponds to. */
export type MetricKind = 'test accuracy' | 'validation accuracy';

/** The kind of number `metric` (a StudyReference.metric) names, or null when onnxline does not measure it. */
export function metricKind(metric: string): MetricKind | null {
  if (/\btest\b/i.test(metric) && /acc/i.test(metric)) return 'test accuracy';
  if (/\bvalid(ation)?\b|\bval\b/i.test(metric) && /acc/i.test(metric)) return 'validation accuracy';
  return null;
}

export type Parity =
  | { status: 'blessed'; maxAbsDiff: number; top1Agreement: number; samples: number }
  | { status: 'not blessed'; reason: string }
  | { status: 'failed'; reason: string }
  | { status: 'not validated' };

export interface RunFacts {
  run: SelectedRun;
  /** Run directory relative to the runs root: `<recipe>/<run id>`. */
  relDir: string;
  seed: number;
  updatedAt: string;
  /** Our number of the requested kind (a fraction), or null when the run lacks it. */
  value: number | null;
  counts: { train: number; validation: number; test: number } | null;
  dataSource: string | null;
  trainLimit: number | null;
  params: number | null;
  trainSeconds: number | null;
  epochsRun: number | null;
  epochsPlanned: number | null;
  bestEpoch: number | null;
  stoppedEarly: boolean;
  backend: string | null;
  parity: Parity;
  curvesPng: string | null;
  confusionPng: string | null;
  /** Test accuracy per class of the primary output (evaluation.json), for per-class tables (S4). */
  perClassAccuracy: Record<string, number> | null;
  /** The per-epoch history (train/history.json), for notes that describe the run's curves. */
  history: EpochRecord[] | null;
}

type Metrics = Record<string, unknown>;
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

async function readOptional<T extends object>(path: string, warn: (line: string) => void): Promise<T | null> {
  try {
    return await readJsonObjectIfExists<T>(path);
  } catch (err) {
    warn(`report: ignoring ${(err as Error).message}`);
    return null;
  }
}

/** Reads the facts of one trained run; `kind` is the number to report (test accuracy for recipes without a reference). */
export async function runFacts(run: SelectedRun, relDir: string, kind: MetricKind | null, warn: (line: string) => void): Promise<RunFacts> {
  const m = run.manifest;
  const train = (m.stages.train?.metrics ?? {}) as Metrics;
  const config = (m.config ?? {}) as { trainLimit?: number | null; train?: { epochs?: number } };
  const history = await readOptional<{ bestEpoch?: number; history?: EpochRecord[] }>(join(run.dir, 'train/history.json'), warn);
  const summary = await readOptional<{ source?: string; counts?: RunFacts['counts'] }>(join(run.dir, 'data/summary.json'), warn);

  let value: number | null = null;
  const evaluation = await readOptional<Evaluation>(join(run.dir, 'train/evaluation.json'), warn);
  if (kind === 'test accuracy') {
    value = num(evaluation?.accuracy) ?? num(train.testAccuracy);
  } else if (kind === 'validation accuracy') {
    const best = num(history?.bestEpoch) ?? num(train.bestEpoch);
    const kept = best !== null ? history?.history?.[best - 1] : undefined;
    value = num(kept?.valAcc) ?? num(train.valAccuracy);
  }

  return {
    run,
    relDir,
    seed: m.seed,
    updatedAt: m.updatedAt,
    value,
    counts: summary?.counts ?? (m.stages.data?.metrics as RunFacts['counts'] | undefined) ?? null,
    dataSource: typeof summary?.source === 'string' ? summary.source : null,
    trainLimit: config.trainLimit ?? null,
    params: num(train.params),
    trainSeconds: num(train.trainSeconds),
    epochsRun: num(train.epochs) ?? history?.history?.length ?? null,
    epochsPlanned: num(config.train?.epochs),
    bestEpoch: num(train.bestEpoch) ?? num(history?.bestEpoch),
    stoppedEarly: train.stoppedEarly === true,
    backend: m.backend?.name ?? (typeof train.backend === 'string' ? train.backend : null),
    parity: await parityOf(run, warn),
    curvesPng: existsSync(join(run.dir, 'train/curves.png')) ? join(run.dir, 'train/curves.png') : null,
    confusionPng: existsSync(join(run.dir, 'train/confusion.png')) ? join(run.dir, 'train/confusion.png') : null,
    perClassAccuracy: evaluation?.perClassAccuracy && typeof evaluation.perClassAccuracy === 'object' ? evaluation.perClassAccuracy : null,
    history: Array.isArray(history?.history) ? history.history : null,
  };
}

async function parityOf(run: SelectedRun, warn: (line: string) => void): Promise<Parity> {
  const v = run.manifest.stages.validate;
  if (!v) return { status: 'not validated' };
  const metrics = (v.metrics ?? {}) as Metrics;
  if (v.status === 'done' && metrics.blessed === true) {
    return { status: 'blessed', maxAbsDiff: num(metrics.maxAbsDiff) ?? Number.NaN, top1Agreement: num(metrics.top1Agreement) ?? Number.NaN, samples: num(metrics.samples) ?? 0 };
  }
  if (v.status === 'failed') {
    const report = await readOptional<ParityReport>(join(run.dir, 'validate/report.json'), warn);
    if (report && report.blessed === false) return { status: 'not blessed', reason: report.reasons.join('; ') };
    return { status: 'failed', reason: v.error ?? 'the validate stage failed' };
  }
  return { status: 'not validated' };
}
