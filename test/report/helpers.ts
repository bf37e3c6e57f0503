/**
 * Run directories for the report tests: one real tiny run (the real pipeline: data, train, export,
 * validate on a tiny MLP), then clones of it under other recipes and seeds whose manifests and
 * evaluation files are rewritten in the stages' own format (with the runner's and stages' writers).
 */
import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Recipe, StudyReference } from '../../pipeline/recipe.ts';
import { resolveConfig } from '../../pipeline/runner/resolve-config.ts';
import { runDirFor, runPipeline } from '../../pipeline/runner/run-pipeline.ts';
import { writeJsonAtomic } from '../../pipeline/runner/atomic.ts';
import type { Manifest } from '../../pipeline/runner/manifest.ts';
import type { RunOptions } from '../../pipeline/runner/stage.ts';
import type { Evaluation } from '../../pipeline/train/evaluate.ts';
import { stages } from '../../pipeline/stages/index.ts';
import { mlpDigitsRecipe } from '../fixtures/tiny-digits-recipe.ts';

export const TRAIN = { epochs: 1, batchSize: 32, optimizer: { name: 'adam' as const, learningRate: 3e-3 }, keepBest: true };
export const TRAIN_LIMIT = 128;

/** A tiny MLP recipe, optionally with a study reference. */
export function tinyRecipe(name: string, reference?: StudyReference, units = 16): Recipe {
  const r = mlpDigitsRecipe(name, units, TRAIN, `report test recipe ${name}`);
  return reference ? { ...r, reference } : r;
}

export function options(runsRoot: string, seed: number): RunOptions {
  return { seed, backend: 'cpu', force: false, runsRoot, repositoryRoot: join(runsRoot, '..', 'repo'), trainLimit: TRAIN_LIMIT, progress: false, log: () => undefined };
}

/** Runs the real pipeline (data → validate) for `recipe`; returns the run directory. */
export async function realRun(recipe: Recipe, runsRoot: string, seed: number): Promise<string> {
  const o = options(runsRoot, seed);
  const result = await runPipeline(recipe, resolveConfig(recipe, o), ['data', 'train', 'export', 'validate'], stages, o);
  return result.runDir;
}

export interface CloneChanges {
  testAccuracy?: number;
  updatedAt: string;
  /** Drop the validate (and export) stage records: a run that was never validated. */
  unvalidated?: boolean;
  /** Give the run a config that differs from the recipe's current one (an older recipe version). */
  stale?: boolean;
  /** Record this architecture hash instead (a run of an older architecture). */
  architectureHash?: string;
  invocation?: string;
}

/** Copies the real run `src` to the run directory `recipe` + `seed` would get, with `changes`. */
export async function cloneRun(src: string, recipe: Recipe, runsRoot: string, seed: number, changes: CloneChanges): Promise<string> {
  const config = resolveConfig(recipe, options(runsRoot, seed));
  if (changes.stale) config.train = { ...config.train, batchSize: config.train.batchSize * 2 };
  if (changes.architectureHash) config.architectureHash = changes.architectureHash;
  const { runId, runDir } = runDirFor(config, runsRoot);
  await cp(src, runDir, { recursive: true });
  const m = JSON.parse(await readFile(join(src, 'manifest.json'), 'utf8')) as Manifest;
  m.recipe = recipe.name;
  m.runId = runId;
  m.seed = seed;
  m.config = config;
  if (changes.unvalidated) {
    delete m.stages.validate;
    delete m.stages.export;
  }
  if (changes.invocation !== undefined) m.invocation = changes.invocation;
  if (changes.testAccuracy !== undefined) {
    const evalPath = join(runDir, 'train/evaluation.json');
    const evaluation = JSON.parse(await readFile(evalPath, 'utf8')) as Evaluation;
    evaluation.accuracy = changes.testAccuracy;
    await writeJsonAtomic(evalPath, evaluation);
    m.stages.train!.metrics = { ...m.stages.train!.metrics, testAccuracy: changes.testAccuracy };
  }
  // writeManifest would stamp the current time; the tests need fixed, ordered dates.
  m.updatedAt = changes.updatedAt;
  await writeJsonAtomic(join(runDir, 'manifest.json'), m);
  return runDir;
}
