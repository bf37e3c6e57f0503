/**
 * Transforms a recipe applies to its loaded dataset in the data stage (after the cache): S4's
 * class imbalance on the training split, S3's digit pairs, S0's letter sequences. Declared as data
 * in the recipe.
 */
import type { SplitImageDataset } from '../types.ts';
import { imbalanceTrainingSet, type ImbalanceSpec } from './imbalance.ts';
import { comparePairsDataset, type ComparePairsSpec } from './compare-pairs.ts';
import { letterSequencesDataset, type LetterSequencesSpec } from './letter-sequences.ts';
import { deriveSeed } from '../../train/seeded-random.ts';

export type DataTransform =
  | ({ kind: 'imbalance' } & ImbalanceSpec)
  | ({ kind: 'compare-pairs' } & ComparePairsSpec)
  | ({ kind: 'letter-sequences' } & LetterSequencesSpec);

/** `ds` with `transform` applied (deterministic for the seed); the source line says what was done. */
export function applyDataTransform(ds: SplitImageDataset, transform: DataTransform, seed: number): SplitImageDataset {
  switch (transform.kind) {
    case 'imbalance': {
      const train = imbalanceTrainingSet(ds.train, transform, deriveSeed(seed, 'imbalance'));
      const noise = transform.noiseVariances?.length ? `, rebalanced with Gaussian-noise copies (variances ${transform.noiseVariances.join(', ')})` : '';
      return { ...ds, train, source: `${ds.source}; training classes ${transform.classes.join(',')} cut to ${transform.keepFraction * 100}%${noise}` };
    }
    case 'compare-pairs':
      return comparePairsDataset(ds, transform, seed);
    case 'letter-sequences':
      return letterSequencesDataset(ds, transform, seed);
    default:
      throw new Error(`unknown data transform ${JSON.stringify((transform as { kind?: unknown }).kind)}; known: imbalance, compare-pairs, letter-sequences`);
  }
}
