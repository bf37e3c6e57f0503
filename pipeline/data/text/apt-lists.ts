/**
 * Debian package descriptions from apt's own lists (`/var/lib/apt/lists/*_Packages*`, written by
 * `apt-get update`): the `debian-packages` text dataset's source. Each list is decompressed with
 * `apt-helper cat-file` (lz4, xz, gz, bz2, zstd or plain), parsed into stanzas, and the packages
 * are de-duplicated by name across suites (bookworm, -updates, -backports and -security list many
 * of the same packages).
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, access, constants } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

const execFileAsync = promisify(execFile);
const gunzipAsync = promisify(gunzip);

/** Where apt keeps its downloaded lists. */
export const APT_LISTS_DEFAULT_DIR = '/var/lib/apt/lists';
export const APT_HELPER = '/usr/lib/apt/apt-helper';

/** One binary package: its name, archive section (component prefix stripped) and description. */
export interface PackageRecord {
  name: string;
  section: string;
  /** The synopsis (the Description field's first line) plus the long description's lines when the list has them. */
  description: string;
}

const PACKAGES_FILE = /_Packages(\.(lz4|xz|gz|bz2|zst))?$/;
const COMPONENT_PREFIX = /^(contrib|non-free|non-free-firmware|main)\//;

/** `contrib/net` → `net`, `non-free-firmware/kernel` → `kernel`; other sections unchanged. */
export function normalizeSection(section: string): string {
  return section.trim().replace(COMPONENT_PREFIX, '');
}

/** The error when there are no lists: says what the data is and how to get it. */
export function missingListsError(dir: string, why: string): Error {
  return new Error(
    `No Debian package lists in ${dir} (${why}). The debian-packages dataset is the package descriptions of Debian's ` +
      `archive as apt downloads them: run \`apt-get update\` (as root) to fetch them, or point the loader at another ` +
      `lists folder (dataset option dir / ONNXLINE_APT_LISTS_DIR).`,
  );
}

/**
 * The Packages lists in `dir`, sorted by file name; of a list present both plain and compressed,
 * only the plain one. Throws {@link missingListsError} when the folder is missing or holds none.
 */
export async function listPackagesFiles(dir: string = APT_LISTS_DEFAULT_DIR): Promise<string[]> {
  const abs = resolve(dir);
  let names: string[];
  try {
    names = await readdir(abs);
  } catch (err) {
    throw missingListsError(abs, (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'the folder does not exist' : `cannot read it: ${(err as Error).message}`);
  }
  const found = names.filter((n) => PACKAGES_FILE.test(n));
  const plain = new Set(found.filter((n) => n.endsWith('_Packages')));
  const chosen = found.filter((n) => n.endsWith('_Packages') || !plain.has(n.replace(PACKAGES_FILE, '_Packages'))).sort();
  if (!chosen.length) throw missingListsError(abs, 'no *_Packages files');
  return chosen.map((n) => join(abs, n));
}

async function hasAptHelper(): Promise<boolean> {
  try {
    await access(APT_HELPER, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The text of one Packages list: through `apt-helper cat-file` (which undoes any compression apt
 * uses); without apt-helper, plain and gzip files are read directly and others are an error.
 */
export async function readPackagesFile(path: string): Promise<string> {
  if (await hasAptHelper()) {
    try {
      const { stdout } = await execFileAsync(APT_HELPER, ['cat-file', path], { maxBuffer: 1 << 30, encoding: 'utf8' });
      return stdout;
    } catch (err) {
      throw new Error(`cannot read the package list ${path} with ${APT_HELPER} cat-file (${(err as Error).message.split('\n')[0]})`);
    }
  }
  const bytes = await readFile(path);
  if (path.endsWith('.gz')) return (await gunzipAsync(bytes)).toString('utf8');
  if (/\.(lz4|xz|bz2|zst)$/.test(path)) throw new Error(`cannot decompress ${path}: ${APT_HELPER} (Debian package apt) is not installed`);
  return bytes.toString('utf8');
}

/**
 * Parses a Packages file (RFC 822-style stanzas separated by blank lines; continuation lines
 * start with a space or tab). Stanzas without Package, Section or Description are skipped. The
 * description is the synopsis, then the long description's lines (a lone " ." paragraph break
 * dropped), joined by spaces.
 */
export function parsePackages(text: string): PackageRecord[] {
  const out: PackageRecord[] = [];
  for (const stanza of text.split(/\r?\n[ \t]*\r?\n/)) {
    const fields = new Map<string, string[]>();
    let current: string[] | undefined;
    for (const line of stanza.split(/\r?\n/)) {
      if (!line) continue;
      if (line[0] === ' ' || line[0] === '\t') {
        const cont = line.trim();
        if (current && cont && cont !== '.') current.push(cont);
        continue;
      }
      const colon = line.indexOf(':');
      if (colon <= 0) {
        current = undefined;
        continue;
      }
      current = [line.slice(colon + 1).trim()];
      fields.set(line.slice(0, colon).trim(), current);
    }
    const name = fields.get('Package')?.[0];
    const section = fields.get('Section')?.[0];
    const description = fields.get('Description');
    if (!name || !section || !description) continue;
    const text = description.filter(Boolean).join(' ').replace(/\s+/g, ' ').trim();
    if (!text) continue;
    out.push({ name, section: normalizeSection(section), description: text });
  }
  return out;
}

/**
 * Every package of the lists in `dir`, de-duplicated by name: the first occurrence wins, the lists
 * being read in sorted file-name order.
 */
export async function readAptPackages(dir: string = APT_LISTS_DEFAULT_DIR): Promise<{ packages: PackageRecord[]; files: string[] }> {
  const files = await listPackagesFiles(dir);
  const byName = new Map<string, PackageRecord>();
  for (const file of files) {
    for (const p of parsePackages(await readPackagesFile(file))) if (!byName.has(p.name)) byName.set(p.name, p);
  }
  return { packages: [...byName.values()], files };
}

/** The `n` sections with the most packages, largest first (ties by name). */
export function topSections(packages: readonly PackageRecord[], n: number): { section: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const p of packages) counts.set(p.section, (counts.get(p.section) ?? 0) + 1);
  return [...counts]
    .map(([section, count]) => ({ section, count }))
    .sort((a, b) => b.count - a.count || (a.section < b.section ? -1 : a.section > b.section ? 1 : 0))
    .slice(0, n);
}
