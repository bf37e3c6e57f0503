/** The recipe registry: every model of the zoo, by name, plus recipes loaded from a file. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Recipe } from '../pipeline/recipe.ts';
import { digits } from './digits.ts';
import { fonts, fontsCrnn } from './fonts.ts';
import { letters } from './letters.ts';
import { digitsRnnRecipes } from './digits-rnn.ts';
import { digitsCompareRecipes } from './digits-compare.ts';
import { fashionRecipes } from './fashion.ts';
import { textRecipes } from './text.ts';
import { lettersSort } from './letters-sort.ts';

/** Our own recipes first (the web demo's), then the studies in SEEDS.md order (S0 … S4). */
export const recipes: ReadonlyMap<string, Recipe> = new Map(
  [digits, letters, lettersSort, fonts, fontsCrnn, ...fashionRecipes, ...textRecipes, ...digitsCompareRecipes, ...digitsRnnRecipes].map((r) => [r.name, r]),
);

/** The recipe called `name`, or an error listing the ones that exist. */
export function getRecipe(name: string): Recipe {
  const r = recipes.get(name);
  if (!r) throw new Error(`unknown recipe "${name}"; available: ${[...recipes.keys()].join(', ')} (see \`onnxline models\`), or the path of a recipe file (.ts/.js)`);
  return r;
}

function isRecipe(value: unknown): value is Recipe {
  const r = value as Partial<Recipe> | null;
  return !!r && typeof r.name === 'string' && typeof r.build === 'function' && !!r.train && !!r.data && Array.isArray(r.labels);
}

/**
 * A zoo recipe by name, or — when `nameOrPath` is a .ts/.js file — the recipe that file exports
 * (as `default` or `recipe`), so users can run their own recipes through every stage.
 */
export async function loadRecipe(nameOrPath: string): Promise<Recipe> {
  if (!/\.(ts|js|mjs)$/.test(nameOrPath)) return getRecipe(nameOrPath);
  const path = resolve(nameOrPath);
  if (!existsSync(path)) throw new Error(`recipe file ${path} does not exist`);
  const mod = (await import(pathToFileURL(path).href)) as { default?: unknown; recipe?: unknown };
  const recipe = mod.default ?? mod.recipe;
  if (!isRecipe(recipe)) throw new Error(`${path} exports no recipe: export one (with name, data, input, labels, build, train) as \`default\` or \`recipe\``);
  return recipe;
}
