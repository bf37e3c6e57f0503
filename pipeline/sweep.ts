/**
 * `onnxline sweep <name>`: runs the whole pipeline (data → publish) for every recipe of a sweep —
 * ordinary recipes, so `onnxline pipeline <recipe>` gives the same run and finished runs are
 * skipped — and writes the results as a table, runs/sweeps/<name>.md and .json, with the study's
 * number beside ours.
 */
import { join } from 'node:path';
import { sweeps } from '../models/fashion.ts';
import { writeFileAtomic, writeJsonAtomic } from './runner/atomic.ts';
import { readManifest } from './runner/manifest.ts';
import type { RunOptions } from './runner/stage.ts';

export interface SweepRow {
  recipe: string;
  experiment: string;
  study: number | null;
  ours: number | null;
  params: number | null;
  trainSeconds: number | null;
  epochs: number | null;
  /** Training samples the run used (the recipe's data.trainSamples, or fewer on a smoke run). */
  trainSamples: number | null;
  runDir: string | null;
  /** Why this recipe has no result (its run failed); the sweep goes on with the others. */
  error?: string;
}

export interface SweepOptions {
  only?: string[];
  /** A smoke run's training-sample cap (--train-limit), recorded in the table. */
  trainLimit?: number;
  /** Runs every stage of a recipe; resolves to its run directory. */
  runStages: (recipe: string) => Promise<string>;
  runOptions: Pick<RunOptions, 'runsRoot' | 'log'>;
}

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(2)}%`);

/** Renders sweep rows as a Markdown table (study's number, ours, difference in points). */
export function sweepMarkdown(name: string, description: string, rows: SweepRow[], trainLimit?: number): string {
  const smoke = trainLimit === undefined ? '' : ` Smoke run: --train-limit ${trainLimit.toLocaleString('en-US')}, not the recipes' budget.`;
  const lines = [
    `# Sweep ${name}`,
    '',
    `${description}. Each recipe ran the whole pipeline (data → train → export → validate → publish); ours is test accuracy on the held-out test split.${smoke}`,
    '',
    '| recipe | experiment | study | ours | Δ points | parameters | training samples | epochs | training time |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  const int = (n: number | null) => n?.toLocaleString('en-US') ?? '—';
  for (const r of rows) {
    if (r.error) {
      lines.push(`| ${r.recipe} | ${r.experiment} | ${pct(r.study)} | failed: ${r.error.replace(/\|/g, '\\|').split('\n')[0]} | — | — | — | — | — |`);
      continue;
    }
    const delta = r.study !== null && r.ours !== null ? `${((r.ours - r.study) * 100).toFixed(1)}` : '—';
    lines.push(`| ${r.recipe} | ${r.experiment} | ${pct(r.study)} | ${pct(r.ours)} | ${delta} | ${int(r.params)} | ${int(r.trainSamples)} | ${r.epochs ?? '—'} | ${r.trainSeconds === null ? '—' : `${r.trainSeconds.toFixed(0)} s`} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** Runs the sweep `name` and writes its table; an unknown name or recipe throws listing the known ones. */
export async function runSweep(name: string, options: SweepOptions): Promise<{ rows: SweepRow[]; markdownPath: string }> {
  const sweep = sweeps.get(name);
  if (!sweep) throw new Error(`unknown sweep "${name}"; sweeps: ${[...sweeps.keys()].join(', ')}`);
  const known = sweep.recipes.map((r) => r.name);
  for (const o of options.only ?? []) if (!known.includes(o)) throw new Error(`--only: "${o}" is not in sweep ${name}; its recipes: ${known.join(', ')}`);
  const chosen = sweep.recipes.filter((r) => !options.only || options.only.includes(r.name));
  const rows: SweepRow[] = [];
  for (const [i, recipe] of chosen.entries()) {
    options.runOptions.log(`sweep ${name}: ${recipe.name} (${i + 1} of ${chosen.length})`);
    let runDir: string;
    try {
      runDir = await options.runStages(recipe.name);
    } catch (err) {
      const error = (err as Error).message;
      options.runOptions.log(`sweep ${name}: ${recipe.name} failed: ${error}`);
      rows.push({ recipe: recipe.name, experiment: recipe.reference?.experiment ?? recipe.summary, study: recipe.reference?.value ?? null, ours: null, params: null, trainSeconds: null, epochs: null, trainSamples: null, runDir: null, error });
      continue;
    }
    const manifest = await readManifest(join(runDir, 'manifest.json'));
    const m = (manifest?.stages.train?.metrics ?? {}) as { testAccuracy?: number; params?: number; trainSeconds?: number; epochs?: number };
    const counts = (manifest?.stages.data?.metrics ?? {}) as { train?: number };
    rows.push({
      recipe: recipe.name,
      experiment: recipe.reference?.experiment ?? recipe.summary,
      study: recipe.reference?.value ?? null,
      ours: m.testAccuracy ?? null,
      params: m.params ?? null,
      trainSeconds: m.trainSeconds ?? null,
      epochs: m.epochs ?? null,
      trainSamples: options.trainLimit !== undefined && counts.train !== undefined ? Math.min(options.trainLimit, counts.train) : (counts.train ?? null),
      runDir,
    });
  }
  const base = join(options.runOptions.runsRoot, 'sweeps', name);
  const markdownPath = `${base}.md`;
  await writeFileAtomic(markdownPath, sweepMarkdown(name, sweep.description, rows, options.trainLimit));
  await writeJsonAtomic(`${base}.json`, { sweep: name, ...(options.trainLimit !== undefined ? { trainLimit: options.trainLimit } : {}), rows });
  const failed = rows.filter((r) => r.error);
  if (failed.length) throw new Error(`sweep ${name}: ${failed.length} of ${rows.length} recipes failed (${failed.map((r) => r.recipe).join(', ')}); the table in ${markdownPath} has the others`);
  return { rows, markdownPath };
}
