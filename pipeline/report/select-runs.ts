/**
 * Picks the runs a recipe's row reports: per seed, the most recently updated run, preferring runs
 * made from the recipe as it is now and full runs (no --train-limit, the recipe's epochs) over
 * smoke runs. Only runs of the best kind found are aggregated, so a row never mixes a full run of
 * one seed with a smoke run of another.
 *
 * "Made from the recipe as it is now": the run's recorded config has the recipe's current data,
 * input, labels, outputs and training settings (epochs aside: --epochs may override them), and its
 * architecture hash is the recipe's. Building a model to hash its architecture can take seconds
 * (an LSTM's orthogonal initialiser), so the architecture is hashed only when the candidate runs
 * that pass the other checks disagree on it — at most once per recipe.
 */
import type { Recipe } from '../recipe.ts';
import type { ResolvedConfig } from '../runner/stage.ts';
import { canonicalJson } from '../runner/hash.ts';
import { architectureHash } from '../runner/resolve-config.ts';
import type { FoundRun } from './find-runs.ts';

export interface SelectedRun extends FoundRun {
  /** The run's config is what the recipe resolves to today (with the run's own options). */
  current: boolean;
  /** Trained on all the data for the recipe's epochs (no --train-limit, no --epochs override). */
  full: boolean;
}

/** The parts of a resolved config that come from the recipe (not from command-line options), architecture aside. */
function recipePart(c: Partial<ResolvedConfig> | Recipe): string {
  const { epochs: _epochs, ...train } = (c.train ?? {}) as Recipe['train'];
  return canonicalJson(JSON.parse(JSON.stringify({ data: c.data, input: c.input, labels: c.labels, outputs: (c as { outputs?: unknown }).outputs, train })));
}

function rank(r: SelectedRun): number {
  return (r.current ? 2 : 0) + (r.full ? 1 : 0);
}

/**
 * The runs to report for `recipe`, one per seed, sorted by seed. `archHash` computes the
 * recipe's architecture hash (injectable for tests; called at most once).
 */
export function selectRuns(recipe: Recipe, found: readonly FoundRun[], archHash: (r: Recipe) => string = architectureHash): SelectedRun[] {
  const want = recipePart(recipe);
  const configs = found.map((f) => (f.manifest.config ?? {}) as Partial<ResolvedConfig>);
  const sameRecipe = configs.map((c) => recipePart(c) === want);
  const archs = new Set(configs.filter((_, i) => sameRecipe[i]).map((c) => c.architectureHash));
  // All candidates share one architecture hash: assume it is the current one (hashing costs a model build).
  const currentArch = archs.size > 1 ? archHash(recipe) : [...archs][0];
  const classified: SelectedRun[] = found.map((f, i) => ({
    ...f,
    current: sameRecipe[i]! && configs[i]!.architectureHash === currentArch,
    full: (configs[i]!.trainLimit ?? null) === null && configs[i]!.train?.epochs === recipe.train.epochs,
  }));
  if (classified.length === 0) return [];
  const best = Math.max(...classified.map(rank));
  const bySeed = new Map<number, SelectedRun>();
  for (const r of classified.filter((x) => rank(x) === best)) {
    const prev = bySeed.get(r.manifest.seed);
    if (!prev || newer(r, prev)) bySeed.set(r.manifest.seed, r);
  }
  return [...bySeed.values()].sort((a, b) => a.manifest.seed - b.manifest.seed);
}

function newer(a: FoundRun, b: FoundRun): boolean {
  const ta = a.manifest.updatedAt ?? '';
  const tb = b.manifest.updatedAt ?? '';
  return ta > tb || (ta === tb && a.dir > b.dir);
}
