/**
 * Finds a recipe's run directories under the runs root and reads their manifests. A missing or
 * corrupt manifest is a warning naming the file, never a crash: the report goes on without it.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readManifest, type Manifest } from '../runner/manifest.ts';

export interface FoundRun {
  /** Absolute run directory. */
  dir: string;
  manifest: Manifest;
}

/** Run directories (`s<seed>-<hash>`) of `recipeName` whose manifest says training finished. */
export async function findTrainedRuns(runsRoot: string, recipeName: string, warn: (line: string) => void): Promise<FoundRun[]> {
  const recipeDir = join(runsRoot, recipeName);
  if (!existsSync(recipeDir)) return [];
  const entries = (await readdir(recipeDir, { withFileTypes: true })).filter((e) => e.isDirectory() && /^s\d+-/.test(e.name)).map((e) => e.name).sort();
  const out: FoundRun[] = [];
  for (const name of entries) {
    const dir = join(recipeDir, name);
    const path = join(dir, 'manifest.json');
    let manifest: Manifest | null;
    try {
      manifest = await readManifest(path);
    } catch (err) {
      warn(`report: skipping ${dir}: ${(err as Error).message}`);
      continue;
    }
    if (!manifest) {
      warn(`report: skipping ${dir}: ${path} does not exist`);
      continue;
    }
    if (typeof manifest.stages !== 'object' || manifest.stages === null || typeof manifest.seed !== 'number') {
      warn(`report: skipping ${dir}: ${path} is not an onnxline run manifest (no stages or seed)`);
      continue;
    }
    if (manifest.stages.train?.status !== 'done') continue; // in progress, failed, or not trained yet
    out.push({ dir, manifest });
  }
  return out;
}
