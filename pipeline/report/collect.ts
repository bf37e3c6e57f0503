/**
 * Gathers everything the report shows: per recipe, its selected runs' facts and its row; the
 * commands that made those runs; the newest run's date; the machine. No rendering here.
 */
import { relative } from 'node:path';
import type { Recipe } from '../recipe.ts';
import { findTrainedRuns } from './find-runs.ts';
import { selectRuns } from './select-runs.ts';
import { metricKind, runFacts } from './run-facts.ts';
import { buildRow, type ReportNote, type ReportRow } from './rows.ts';
import { invocationsOf, type Invocation } from './invocations.ts';
import { machineLine } from './machine.ts';

export interface ReportData {
  /** The runs root as given (relative to the working directory when inside it). */
  runsRoot: string;
  /** Rows in report order: studies S0 … S4 (registry order within one), then recipes of our own. */
  rows: ReportRow[];
  invocations: Invocation[];
  /** updatedAt of the newest reported run, or null when nothing has run. */
  newestRun: string | null;
  backends: string[];
  machine: string;
}

export interface CollectOptions {
  recipes: Iterable<Recipe>;
  /** Absolute runs root. */
  runsRoot: string;
  notes: Readonly<Record<string, ReportNote>>;
  warn: (line: string) => void;
  /** Overrides the machine line (tests). */
  machine?: string;
}

const STUDY_ORDER = ['S0', 'S1', 'S2', 'S3', 'S4'];

function studyRank(r: Recipe): number {
  const i = r.reference ? STUDY_ORDER.indexOf(r.reference.study) : -1;
  return i < 0 ? STUDY_ORDER.length : i;
}

export async function collectReport(o: CollectOptions): Promise<ReportData> {
  const recipes = [...o.recipes].map((r, i) => ({ r, i })).sort((a, b) => studyRank(a.r) - studyRank(b.r) || a.i - b.i).map((x) => x.r);
  const rows: ReportRow[] = [];
  for (const recipe of recipes) {
    const kind = recipe.reference ? metricKind(recipe.reference.metric) : 'test accuracy';
    const selected = selectRuns(recipe, await findTrainedRuns(o.runsRoot, recipe.name, o.warn));
    const facts = [];
    for (const run of selected) facts.push(await runFacts(run, relative(o.runsRoot, run.dir).split('\\').join('/'), kind, o.warn));
    rows.push(buildRow(recipe, kind, facts, o.notes));
  }
  const manifests = rows.flatMap((r) => r.runs.map((f) => f.run.manifest));
  const newest = manifests.map((m) => m.updatedAt).filter((t) => typeof t === 'string').sort().at(-1) ?? null;
  const rel = relative(process.cwd(), o.runsRoot);
  return {
    runsRoot: rel && !rel.startsWith('..') ? rel : o.runsRoot,
    rows,
    invocations: invocationsOf(manifests),
    newestRun: newest,
    backends: [...new Set(rows.flatMap((r) => r.runs.map((f) => f.backend ?? 'unknown')))].sort(),
    machine: o.machine ?? machineLine(),
  };
}
