/**
 * Finding models in a repository laid out as `<root>/<name>/<version>/model.onnx` (with an optional
 * `<root>/<name>/config.json`). Names that could reach outside the repository are never used.
 */
import { readdir, stat } from 'node:fs/promises';
import { readJsonObjectIfExists } from '../../pipeline/runner/read-json.ts';
import { join } from 'node:path';
import type { ModelConfig } from '../../pipeline/publish/config.ts';
import { isValidModelName, listVersions } from '../../pipeline/publish/publish.ts';

export { isValidModelName };

export interface DiscoveredVersion {
  version: number;
  path: string;
  /** Size and mtime: a changed file is a new attempt. */
  fingerprint: string;
}

/** The model names in the repository (folders with a valid name), sorted. */
export async function discoverModels(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  return entries.filter((e) => e.isDirectory() && isValidModelName(e.name)).map((e) => e.name).sort();
}

/** A model's versions that hold a model.onnx, ascending. */
export async function discoverVersions(root: string, name: string): Promise<DiscoveredVersion[]> {
  if (!isValidModelName(name)) return [];
  const out: DiscoveredVersion[] = [];
  for (const version of await listVersions(join(root, name))) {
    const path = join(root, name, String(version), 'model.onnx');
    const s = await stat(path).catch(() => null);
    if (s?.isFile()) out.push({ version, path, fingerprint: `${s.size}:${s.mtimeMs}` });
  }
  return out;
}

/** The model's config.json, or null when there is none; throws naming the file when it is malformed. */
export async function readModelConfig(root: string, name: string): Promise<Partial<ModelConfig> | null> {
  return readJsonObjectIfExists<Partial<ModelConfig>>(join(root, name, 'config.json'), 'fix or delete it (a model without config.json is described from the ONNX file itself)');
}
