/** Reading JSON files that may not exist yet. */
import { readFile } from 'node:fs/promises';

/**
 * The parsed JSON object in `path`, or null when the file does not exist. A file that is not a
 * JSON object is an error naming the file, followed by `hint` (what the user can do about it).
 */
export async function readJsonObjectIfExists<T extends object>(path: string, hint = ''): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path} is not valid JSON (${(err as Error).message})${hint ? `; ${hint}` : ''}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${path} is not a JSON object${hint ? `; ${hint}` : ''}`);
  return parsed as T;
}
