/** Content hashes for run inputs, outputs and configs. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** sha256 of a file's bytes, hex. */
export async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** sha256 over every file below `dir` (names and contents, in sorted order), hex. */
export async function hashDir(dir: string): Promise<string> {
  const h = createHash('sha256');
  const files = (await listFiles(dir)).sort();
  for (const f of files) {
    h.update(relative(dir, f) + '\0');
    h.update(await hashFile(f));
  }
  return h.digest('hex');
}

/** Hash of a file or of a whole directory, whichever `path` is. */
export async function hashPath(path: string): Promise<string> {
  return (await stat(path)).isDirectory() ? hashDir(path) : hashFile(path);
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(p)));
    else if (entry.isFile() && !entry.name.endsWith('.tmp')) out.push(p);
  }
  return out;
}

/** Canonical JSON (sorted keys) so that equal configs hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

/** sha256 of the canonical JSON of `value`, hex. */
export function hashJson(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
