/**
 * One report row per recipe: the study's number beside ours (mean ± sample std over seeds), the
 * difference, and the cells both renderings print. Pure: the same facts give the same row.
 */
import type { Recipe } from '../recipe.ts';
import { aggregate, type Aggregate } from './stats.ts';
import type { MetricKind, RunFacts } from './run-facts.ts';
import { duration, int, pct, pctStd, points, sci } from './format.ts';

export interface ReportRow {
  recipe: string;
  /** 'S0' … 'S4', or null for a recipe of our own. */
  study: string | null;
  experiment: string;
  /** What both numbers measure. */
  metric: string;
  /** Null when onnxline does not measure the study's metric. */
  kind: MetricKind | null;
  studyValue: number | null;
  studyStd: number | null;
  ours: Aggregate | null;
  /** ours − study, as a fraction; null without both. */
  diff: number | null;
  /** How far below the study's number we are (a positive fraction), or null when not below. */
  shortBy: number | null;
  /** Why we fall short, or why it has not been run (models/report-notes.ts). */
  why: string | null;
  runs: RunFacts[];
  /** Caveats about the runs (smoke runs, configs older than the recipe). */
  caveats: string[];
  /** Plain text; each rendering escapes it. */
  cells: {
    experiment: string;
    metric: string;
    study: string;
    ours: string;
    diff: string;
    data: string;
    params: string;
    training: string;
    backend: string;
    parity: string;
  };
}

/**
 * Why a recipe falls short of its study or has not run: fixed text, or text written from the
 * recipe's selected runs (none when it has not run), so that figures quoted from a run (epochs,
 * speed, curves) are those of the runs in the report. A function returns null when it has nothing
 * to say (e.g. before the recipe has run).
 */
export type ReportNote = string | ((runs: readonly RunFacts[], recipe: Recipe) => string | null);

/** The command that makes the runs a recipe's row needs. */
export function runCommand(recipeName: string): string {
  return `onnxline pipeline ${recipeName}`;
}

function uniq<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

function range(xs: number[], fmt: (n: number) => string): string {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo === hi ? fmt(lo) : `${fmt(lo)}–${fmt(hi)}`;
}

/** The row for `recipe` from the facts of its selected runs (possibly none). */
export function buildRow(recipe: Recipe, kind: MetricKind | null, runs: RunFacts[], notes: Readonly<Record<string, ReportNote>>): ReportRow {
  const ref = recipe.reference ?? null;
  const values = runs.map((r) => r.value).filter((v): v is number => v !== null);
  const ours = values.length ? aggregate(values) : null;
  const studyValue = ref?.value ?? null;
  const diff = ours && studyValue !== null ? ours.mean - studyValue : null;
  const shortBy = diff !== null && Math.round(diff * 10000) < 0 ? -diff : null;
  const note = notes[recipe.name];
  const why = (shortBy !== null || !runs.length) && note !== undefined ? (typeof note === 'function' ? note(runs, recipe) : note) : null;

  const caveats: string[] = [];
  if (runs.length && !runs.every((r) => r.run.current)) caveats.push('made from an older version of the recipe (its config hash differs from the current one)');
  const limits = uniq(runs.map((r) => r.trainLimit).filter((l): l is number => l !== null));
  if (limits.length) caveats.push(`smoke run: --train-limit ${limits.join('/')}`);
  const planned = uniq(runs.map((r) => r.epochsPlanned).filter((e): e is number => e !== null && e !== recipe.train.epochs));
  if (planned.length) caveats.push(`--epochs ${planned.join('/')} (the recipe says ${recipe.train.epochs})`);
  if (kind && runs.length && values.length < runs.length) caveats.push(`${runs.length - values.length} run(s) without a ${kind}`);

  const metric = ref?.metric ?? 'test accuracy';
  let oursCell = '—';
  if (!kind) oursCell = `not measured (onnxline has no "${metric}")`;
  else if (ours) oursCell = `${pctStd(ours.mean, ours.std)} (N=${ours.n})`;
  else if (!runs.length) oursCell = 'not run yet';

  return {
    recipe: recipe.name,
    study: ref?.study ?? null,
    experiment: ref?.experiment ?? recipe.summary,
    metric,
    kind,
    studyValue,
    studyStd: ref?.std ?? null,
    ours,
    diff,
    shortBy,
    why,
    runs,
    caveats,
    cells: {
      experiment: ref ? `${ref.experiment} (${recipe.name})` : `${recipe.name}: ${recipe.summary}`,
      metric,
      study: studyValue === null ? '—' : pctStd(studyValue, ref?.std),
      ours: oursCell,
      diff: diff === null ? '—' : points(diff),
      data: dataCell(recipe, runs),
      params: paramsCell(runs),
      training: trainingCell(recipe, runs),
      backend: runs.length ? uniq(runs.map((r) => r.backend ?? 'unknown')).sort().join(', ') : '—',
      parity: runs.length ? parityCell(runs) : '—',
    },
  };
}

function dataCell(recipe: Recipe, runs: RunFacts[]): string {
  const parts: string[] = [];
  if (recipe.reference) parts.push(recipe.reference.dataNote);
  const withCounts = runs.filter((r) => r.counts);
  if (withCounts.length) {
    const c = (k: 'train' | 'validation' | 'test') => range(withCounts.map((r) => r.counts![k]), int);
    const source = withCounts[0]!.dataSource?.split(':')[0] ?? recipe.data.dataset;
    parts.push(`Ours: ${c('train')} train / ${c('validation')} validation / ${c('test')} test (${source})`);
  } else if (!recipe.reference) {
    parts.push(`Ours: dataset ${recipe.data.dataset}`);
  }
  const limits = uniq(runs.map((r) => r.trainLimit).filter((l): l is number => l !== null));
  if (limits.length) parts.push(`Trained on at most ${limits.map(int).join('/')} samples`);
  return parts.join('. ').replace(/\.\./g, '.');
}

function paramsCell(runs: RunFacts[]): string {
  const ps = runs.map((r) => r.params).filter((p): p is number => p !== null);
  return ps.length ? range(ps, int) : '—';
}

function trainingCell(recipe: Recipe, runs: RunFacts[]): string {
  if (!runs.length) return '—';
  const secs = runs.map((r) => r.trainSeconds).filter((s): s is number => s !== null);
  const time = secs.length ? (runs.length > 1 ? `${duration(aggregate(secs).mean)} per run (mean)` : duration(secs[0]!)) : 'time not recorded';
  const ran = runs.map((r) => r.epochsRun).filter((e): e is number => e !== null);
  const planned = runs[0]!.epochsPlanned ?? recipe.train.epochs;
  const early = runs.filter((r) => r.stoppedEarly).length;
  const epochs = ran.length ? `${range(ran, String)}/${planned} epochs` : '';
  const stop = early === 0 ? '' : runs.length === 1 ? ', stopped early' : `, ${early} of ${runs.length} stopped early`;
  const max = recipe.train.maxMinutes;
  const budget = max === undefined ? '' : ` (budget ${max} min${recipe.reference?.timeBudgetMinutes === max ? ", as the study's" : ', ours: the study set none'})`;
  return `${time}${budget}, ${epochs}${stop}`;
}

function parityCell(runs: RunFacts[]): string {
  const blessed = runs.flatMap((r) => (r.parity.status === 'blessed' ? [r.parity] : []));
  const parts: string[] = [];
  if (blessed.length) {
    const worst = Math.max(...blessed.map((b) => b.maxAbsDiff));
    const agree = Math.min(...blessed.map((b) => b.top1Agreement));
    parts.push(runs.length === 1 ? `blessed: max |Δ| ${sci(worst)}, top-1 agreement ${pct(agree)}` : `blessed ${blessed.length}/${runs.length}: max |Δ| ≤ ${sci(worst)}, top-1 agreement ≥ ${pct(agree)}`);
  }
  for (const r of runs) {
    if (r.parity.status === 'not blessed') parts.push(`NOT blessed (seed ${r.seed}): ${r.parity.reason}`);
    if (r.parity.status === 'failed') parts.push(`validation failed (seed ${r.seed}): ${r.parity.reason}`);
  }
  const unvalidated = runs.filter((r) => r.parity.status === 'not validated').length;
  if (unvalidated) parts.push(runs.length === 1 ? 'not validated' : `not validated ${unvalidated}/${runs.length}`);
  return parts.join('; ');
}
