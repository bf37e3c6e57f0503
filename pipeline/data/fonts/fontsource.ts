/**
 * Fonts from installed `@fontsource/*` npm packages: each package ships `metadata.json` (family,
 * category, licence) and `files/<id>-latin-<weight>-normal.woff2`. We use weight 400 when the
 * package has it, otherwise its first weight.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The Google Fonts categories fontsource records. */
export const FONT_CATEGORIES = ['serif', 'sans-serif', 'monospace', 'display', 'handwriting'] as const;
export type FontCategory = (typeof FONT_CATEGORIES)[number];

/** One installed font: what the dataset needs to register, render, split and credit it. */
export interface FontInfo {
  /** Package id: `@fontsource/<id>`. */
  id: string;
  family: string;
  category: FontCategory;
  /** SPDX-like licence type from metadata.json (e.g. "OFL-1.1"). */
  license: string;
  /** The package version (from its package.json), for cache keys and the data summary. */
  version: string;
  /** Weight of the chosen file (400 when available). */
  weight: number;
  /** Absolute path of the latin, normal-style woff2. */
  path: string;
}

function fail(pkg: string, what: string): never {
  throw new Error(`@fontsource/${pkg}: ${what}; reinstall it (npm install @fontsource/${pkg}) or remove it from the folder`);
}

/**
 * Reads one installed package at `dir` (…/@fontsource/<id>) and returns its FontInfo.
 * Throws naming the package and what is missing (metadata.json, a category, the latin woff2).
 */
export function readFontsourcePackage(dir: string): FontInfo {
  const id = dir.replace(/[\\/]+$/, '').split(/[\\/]/).pop() ?? dir;
  const metaPath = join(dir, 'metadata.json');
  if (!existsSync(metaPath)) fail(id, `no metadata.json in ${dir}`);
  let meta: Record<string, unknown>;
  try {
    meta = JSON.parse(readFileSync(metaPath, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    fail(id, `metadata.json is not valid JSON (${(e as Error).message})`);
  }
  const category = meta.category;
  if (typeof category !== 'string' || !(FONT_CATEGORIES as readonly string[]).includes(category)) {
    fail(id, `metadata.json has category ${JSON.stringify(category)}, expected one of ${FONT_CATEGORIES.join(', ')}`);
  }
  const family = typeof meta.family === 'string' && meta.family ? meta.family : fail(id, 'metadata.json has no "family"');
  const lic = meta.license as { type?: unknown } | string | undefined;
  const license = typeof lic === 'string' ? lic : typeof lic?.type === 'string' ? lic.type : 'unknown';
  const weights = Array.isArray(meta.weights) ? (meta.weights as unknown[]).filter((w): w is number => typeof w === 'number') : [];
  const weight = weights.includes(400) ? 400 : (weights[0] ?? 400);
  const path = resolve(dir, 'files', `${id}-latin-${weight}-normal.woff2`);
  if (!existsSync(path)) fail(id, `missing files/${id}-latin-${weight}-normal.woff2 (no latin regular woff2)`);
  let version = 'unknown';
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: unknown };
    if (typeof pkg.version === 'string') version = pkg.version;
  } catch {
    // a missing package.json only loses the version; the font itself is usable
  }
  return { id, family, category: category as FontCategory, license, version, weight, path };
}

/**
 * Lists every `@fontsource/*` package under `nodeModules` (a node_modules folder), sorted by id
 * (the separate `@fontsource-variable` scope is not read). Throws if the folder has no
 * `@fontsource` scope, or (naming the package) if one lacks metadata.json, a known category or
 * its latin regular woff2.
 */
export function listFontsourceFonts(nodeModules: string): FontInfo[] {
  const scope = join(resolve(nodeModules), '@fontsource');
  if (!existsSync(scope)) {
    throw new Error(`No @fontsource packages in ${resolve(nodeModules)}: install some, e.g. npm install @fontsource/lora, and pass that node_modules folder`);
  }
  const ids = readdirSync(scope, { withFileTypes: true })
    .filter((d) => d.isDirectory() || d.isSymbolicLink())
    .map((d) => d.name)
    .sort();
  return ids.map((id) => readFontsourcePackage(join(scope, id)));
}
