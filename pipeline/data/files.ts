/**
 * File reading for dataset loaders: missing files produce an error that names the path and tells
 * the user how to get it; gzip is detected by its magic bytes (0x1f 0x8b), not the file name.
 */
import { access, readFile, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';

const gunzipAsync = promisify(gunzip);

/** True when `bytes` starts with the gzip magic 0x1f 0x8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Returns `bytes` gunzipped if they carry the gzip magic, else unchanged; a corrupt stream throws naming `path`. */
export async function maybeGunzip(bytes: Uint8Array, path: string): Promise<Uint8Array> {
  if (!isGzip(bytes)) return bytes;
  try {
    const out = await gunzipAsync(bytes);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (err) {
    throw new Error(`${path}: gzip data is corrupt or truncated (${(err as Error).message}); re-download or reinstall the file`);
  }
}

/** True when `path` exists (and is readable). */
export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads `path`; a missing file throws `<what> not found: <path>. <hint>`, other I/O errors
 * name the path and the system error code.
 */
export async function readRequired(path: string, what: string, hint: string): Promise<Uint8Array> {
  try {
    const buf = await readFile(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`${what} not found: ${path}. ${hint}`);
    throw new Error(`Cannot read ${what} ${path} (${code ?? (err as Error).message}). ${hint}`);
  }
}

/**
 * A short hash over each path's size and modification time ('-' when absent), so a cache key
 * changes when any of the files is replaced, added or removed.
 */
export async function fileFingerprint(paths: readonly string[]): Promise<string> {
  const parts = await Promise.all(
    paths.map(async (p) => {
      try {
        const s = await stat(p);
        return `${p}:${s.size}:${Math.trunc(s.mtimeMs)}`;
      } catch {
        return `${p}:-`;
      }
    }),
  );
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 12);
}
