/** The recipe registry: every model of the zoo, by name. */
import type { Recipe } from '../pipeline/recipe.ts';
import { digits } from './digits.ts';

export const recipes: ReadonlyMap<string, Recipe> = new Map([digits].map((r) => [r.name, r]));

/** The recipe called `name`, or an error listing the ones that exist. */
export function getRecipe(name: string): Recipe {
  const r = recipes.get(name);
  if (!r) throw new Error(`unknown recipe "${name}"; available: ${[...recipes.keys()].join(', ')} (see \`onnxline models\`)`);
  return r;
}
