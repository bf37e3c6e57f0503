/**
 * The pinned font set of the `fonts` and `letters` datasets: @fontsource packages with exact
 * versions, so a dataset build is reproducible and its cache key can name the fonts. Every font
 * here passes pipeline/data/fonts/check.ts (52 distinct, non-blank letters, real lowercase,
 * descenders); {@link EXCLUDED_FONTS} lists popular fonts left out and why.
 *
 * {@link ensureFontSet} installs the packages the cache folder lacks with npm (the registry is
 * needed once per machine); the fonts are never dependencies of onnxline itself.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { FONT_CATEGORIES, readFontsourcePackage, type FontCategory, type FontInfo } from './fontsource.ts';

/** One pinned package: `@fontsource/<id>@<version>`, with its Google Fonts category (from its metadata.json). */
export interface PinnedFont {
  id: string;
  version: string;
  category: FontCategory;
}

/** [id, version, category], grouped by category; each group sorted by id. */
const PINNED: readonly (readonly [string, string, FontCategory])[] = [
  // serif
  ['adamina', '5.2.7', 'serif'],
  ['alegreya', '5.3.0', 'serif'],
  ['aleo', '5.3.0', 'serif'],
  ['alice', '5.3.0', 'serif'],
  ['arvo', '5.3.0', 'serif'],
  ['besley', '5.3.0', 'serif'],
  ['bitter', '5.3.0', 'serif'],
  ['brawler', '5.3.0', 'serif'],
  ['cardo', '5.3.0', 'serif'],
  ['cormorant-garamond', '5.3.0', 'serif'],
  ['crimson-pro', '5.3.0', 'serif'],
  ['crimson-text', '5.3.0', 'serif'],
  ['dm-serif-text', '5.3.0', 'serif'],
  ['domine', '5.3.0', 'serif'],
  ['eb-garamond', '5.3.0', 'serif'],
  ['faustina', '5.3.0', 'serif'],
  ['frank-ruhl-libre', '5.3.0', 'serif'],
  ['gelasio', '5.3.0', 'serif'],
  ['gentium-plus', '5.3.0', 'serif'],
  ['gloock', '5.3.0', 'serif'],
  ['libre-baskerville', '5.3.0', 'serif'],
  ['libre-caslon-text', '5.3.0', 'serif'],
  ['literata', '5.3.0', 'serif'],
  ['lora', '5.3.0', 'serif'],
  ['lustria', '5.3.0', 'serif'],
  ['martel', '5.3.0', 'serif'],
  ['merriweather', '5.3.0', 'serif'],
  ['noto-serif', '5.3.0', 'serif'],
  ['old-standard-tt', '5.3.0', 'serif'],
  ['playfair-display', '5.3.0', 'serif'],
  ['pt-serif', '5.3.0', 'serif'],
  ['roboto-slab', '5.3.0', 'serif'],
  ['source-serif-4', '5.3.1', 'serif'],
  ['spectral', '5.3.0', 'serif'],
  ['vollkorn', '5.3.0', 'serif'],
  ['zilla-slab', '5.3.0', 'serif'],
  // sans-serif
  ['abel', '5.3.0', 'sans-serif'],
  ['arimo', '5.3.0', 'sans-serif'],
  ['asap', '5.3.0', 'sans-serif'],
  ['barlow', '5.3.0', 'sans-serif'],
  ['cabin', '5.3.0', 'sans-serif'],
  ['days-one', '5.2.7', 'sans-serif'],
  ['didact-gothic', '5.3.0', 'sans-serif'],
  ['dm-sans', '5.3.0', 'sans-serif'],
  ['exo-2', '5.3.0', 'sans-serif'],
  ['figtree', '5.3.0', 'sans-serif'],
  ['fira-sans', '5.3.0', 'sans-serif'],
  ['fredoka', '5.3.0', 'sans-serif'],
  ['heebo', '5.3.0', 'sans-serif'],
  ['hind', '5.3.0', 'sans-serif'],
  ['ibm-plex-sans', '5.3.0', 'sans-serif'],
  ['inter', '5.3.0', 'sans-serif'],
  ['josefin-sans', '5.3.0', 'sans-serif'],
  ['karla', '5.3.0', 'sans-serif'],
  ['krona-one', '5.3.0', 'sans-serif'],
  ['lato', '5.3.0', 'sans-serif'],
  ['lexend', '5.3.0', 'sans-serif'],
  ['manrope', '5.3.0', 'sans-serif'],
  ['montserrat', '5.3.0', 'sans-serif'],
  ['mulish', '5.3.0', 'sans-serif'],
  ['noto-sans', '5.3.0', 'sans-serif'],
  ['noto-sans-mono', '5.3.0', 'sans-serif'],
  ['nunito', '5.3.0', 'sans-serif'],
  ['open-sans', '5.3.0', 'sans-serif'],
  ['poppins', '5.3.0', 'sans-serif'],
  ['pt-sans', '5.3.0', 'sans-serif'],
  ['quicksand', '5.3.0', 'sans-serif'],
  ['raleway', '5.3.0', 'sans-serif'],
  ['roboto', '5.3.0', 'sans-serif'],
  ['rubik', '5.3.0', 'sans-serif'],
  ['russo-one', '5.3.0', 'sans-serif'],
  ['source-sans-3', '5.3.0', 'sans-serif'],
  ['ubuntu', '5.3.0', 'sans-serif'],
  ['varela-round', '5.3.0', 'sans-serif'],
  ['work-sans', '5.3.0', 'sans-serif'],
  // monospace
  ['anonymous-pro', '5.3.0', 'monospace'],
  ['azeret-mono', '5.3.0', 'monospace'],
  ['b612-mono', '5.3.0', 'monospace'],
  ['commit-mono', '5.3.0', 'monospace'],
  ['courier-prime', '5.3.0', 'monospace'],
  ['cousine', '5.3.0', 'monospace'],
  ['dm-mono', '5.3.0', 'monospace'],
  ['fira-code', '5.3.0', 'monospace'],
  ['fira-mono', '5.3.0', 'monospace'],
  ['geist-mono', '5.3.0', 'monospace'],
  ['ibm-plex-mono', '5.3.0', 'monospace'],
  ['inconsolata', '5.3.0', 'monospace'],
  ['jetbrains-mono', '5.3.0', 'monospace'],
  ['lekton', '5.3.0', 'monospace'],
  ['overpass-mono', '5.3.0', 'monospace'],
  ['pt-mono', '5.3.0', 'monospace'],
  ['red-hat-mono', '5.3.0', 'monospace'],
  ['roboto-mono', '5.3.0', 'monospace'],
  ['share-tech-mono', '5.3.0', 'monospace'],
  ['sometype-mono', '5.3.0', 'monospace'],
  ['source-code-pro', '5.3.0', 'monospace'],
  ['space-mono', '5.3.0', 'monospace'],
  ['spline-sans-mono', '5.3.0', 'monospace'],
  ['ubuntu-mono', '5.3.0', 'monospace'],
  ['victor-mono', '5.3.0', 'monospace'],
  // display
  ['abril-fatface', '5.3.0', 'display'],
  ['alfa-slab-one', '5.3.0', 'display'],
  ['audiowide', '5.3.0', 'display'],
  ['baloo-2', '5.3.0', 'display'],
  ['bubblegum-sans', '5.3.0', 'display'],
  ['calistoga', '5.2.7', 'display'],
  ['caprasimo', '5.3.0', 'display'],
  ['carter-one', '5.3.0', 'display'],
  ['changa-one', '5.2.8', 'display'],
  ['chewy', '5.3.0', 'display'],
  ['coiny', '5.3.0', 'display'],
  ['comfortaa', '5.3.0', 'display'],
  ['fredericka-the-great', '5.3.0', 'display'],
  ['goldman', '5.3.0', 'display'],
  ['grandstander', '5.3.0', 'display'],
  ['iceland', '5.2.8', 'display'],
  ['knewave', '5.3.0', 'display'],
  ['lilita-one', '5.3.0', 'display'],
  ['lobster', '5.3.0', 'display'],
  ['lobster-two', '5.3.0', 'display'],
  ['londrina-solid', '5.3.0', 'display'],
  ['passion-one', '5.3.0', 'display'],
  ['righteous', '5.3.0', 'display'],
  ['shrikhand', '5.3.0', 'display'],
  ['sniglet', '5.3.0', 'display'],
  ['special-elite', '5.3.0', 'display'],
  ['titan-one', '5.3.0', 'display'],
  ['yeseva-one', '5.3.0', 'display'],
  // handwriting
  ['alex-brush', '5.3.0', 'handwriting'],
  ['allura', '5.3.0', 'handwriting'],
  ['annie-use-your-telescope', '5.3.0', 'handwriting'],
  ['architects-daughter', '5.3.0', 'handwriting'],
  ['bad-script', '5.3.0', 'handwriting'],
  ['berkshire-swash', '5.3.0', 'handwriting'],
  ['caveat', '5.3.0', 'handwriting'],
  ['caveat-brush', '5.3.0', 'handwriting'],
  ['cedarville-cursive', '5.3.0', 'handwriting'],
  ['chilanka', '5.3.0', 'handwriting'],
  ['comic-neue', '5.3.0', 'handwriting'],
  ['cookie', '5.3.0', 'handwriting'],
  ['courgette', '5.3.0', 'handwriting'],
  ['covered-by-your-grace', '5.3.0', 'handwriting'],
  ['damion', '5.3.0', 'handwriting'],
  ['dancing-script', '5.3.0', 'handwriting'],
  ['delius', '5.3.0', 'handwriting'],
  ['gaegu', '5.3.0', 'handwriting'],
  ['gloria-hallelujah', '5.3.0', 'handwriting'],
  ['gochi-hand', '5.3.0', 'handwriting'],
  ['great-vibes', '5.3.0', 'handwriting'],
  ['handlee', '5.3.0', 'handwriting'],
  ['indie-flower', '5.3.0', 'handwriting'],
  ['itim', '5.3.0', 'handwriting'],
  ['kalam', '5.3.0', 'handwriting'],
  ['kaushan-script', '5.3.0', 'handwriting'],
  ['mansalva', '5.3.0', 'handwriting'],
  ['marck-script', '5.3.0', 'handwriting'],
  ['neucha', '5.3.0', 'handwriting'],
  ['pacifico', '5.3.0', 'handwriting'],
  ['patrick-hand', '5.3.0', 'handwriting'],
  ['reenie-beanie', '5.3.0', 'handwriting'],
  ['sacramento', '5.3.0', 'handwriting'],
  ['satisfy', '5.3.0', 'handwriting'],
  ['schoolbell', '5.3.0', 'handwriting'],
  ['shadows-into-light', '5.3.0', 'handwriting'],
  ['short-stack', '5.3.0', 'handwriting'],
  ['sriracha', '5.3.0', 'handwriting'],
  ['sue-ellen-francisco', '5.3.0', 'handwriting'],
  ['swanky-and-moo-moo', '5.3.0', 'handwriting'],
  ['yellowtail', '5.3.0', 'handwriting'],
];

/** The pinned set: 169 fonts (36 serif, 39 sans-serif, 25 monospace, 28 display, 41 handwriting). */
export const FONT_SET: readonly PinnedFont[] = PINNED.map(([id, version, category]) => ({ id, version, category }));

/**
 * Well-known fonts deliberately not in the set: their glyphs would mislabel samples (capitals or
 * small capitals as lowercase, no descenders) or are barely legible as letters.
 */
export const EXCLUDED_FONTS: Readonly<Record<string, string>> = {
  'bebas-neue': 'capitals only',
  bangers: 'capitals only',
  'luckiest-guy': 'capitals only',
  bungee: 'capitals only',
  creepster: 'capitals only',
  staatliches: 'capitals only',
  graduate: 'capitals only',
  'bowlby-one-sc': 'small capitals',
  'permanent-marker': 'capitals only',
  monoton: 'illegible (inline outlines)',
  'sigmar-one': 'capitals only',
  'amatic-sc': 'small capitals',
  'rock-salt': 'illegible scrawl',
  unifrakturmaguntia: 'blackletter, illegible to most readers',
  'homemade-apple': 'illegible scrawl',
  'nanum-pen-script': 'rejected by checkFont: no descenders',
  'press-start-2p': 'rejected by checkFont: no descenders (8×8 pixel font)',
};

/** The pinned fonts of some categories, in set order. */
export function fontsOfCategories(categories: readonly FontCategory[], fonts: readonly PinnedFont[] = FONT_SET): PinnedFont[] {
  return fonts.filter((f) => categories.includes(f.category));
}

/** A short hash of the fonts' ids and versions (order-independent): the font part of a dataset cache key. */
export function fontSetFingerprint(fonts: readonly Pick<PinnedFont, 'id' | 'version'>[] = FONT_SET): string {
  const text = fonts.map((f) => `${f.id}@${f.version}`).sort().join(',');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** The font cache folder: `$ONNXLINE_CACHE_DIR/fonts`, else `<repo root>/.cache/fonts` (as datasetCacheDir()). */
export function fontCacheDir(): string {
  const root = process.env.ONNXLINE_CACHE_DIR || fileURLToPath(new URL('../../../.cache', import.meta.url));
  return join(root, 'fonts');
}

/** The installed version of `@fontsource/<id>` under `nodeModules`, or null when it is absent. */
function installedVersion(nodeModules: string, id: string): string | null {
  try {
    const pkg = JSON.parse(readFileSync(join(nodeModules, '@fontsource', id, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : null;
  } catch {
    return null;
  }
}

/** Ids of the @fontsource packages installed under `nodeModules`. */
function installedIds(nodeModules: string): string[] {
  try {
    return readdirSync(join(nodeModules, '@fontsource'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return [];
  }
}

/** The npm command that installs `fonts` into `dir` (what {@link ensureFontSet} runs, and what to run by hand). */
export function fontInstallArgs(dir: string, fonts: readonly Pick<PinnedFont, 'id' | 'version'>[]): string[] {
  return ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', '--prefix', dir, ...fonts.map((f) => `@fontsource/${f.id}@${f.version}`)];
}

/**
 * Makes sure every font of `fonts` (default the whole pinned set) is installed at its pinned
 * version under `<dir>/node_modules/@fontsource` and returns their FontInfo, in `fonts` order.
 * When any is missing or at another version, one `npm install --no-save` installs them, naming
 * also every @fontsource package already in the folder (npm removes the packages a `--no-save`
 * install does not name), and logs one line saying what it installs. Installed already: no
 * npm call, a few ms. Throws, saying how to pre-install, when npm fails (no registry access).
 */
export async function ensureFontSet(
  dir: string = fontCacheDir(),
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  fonts: readonly PinnedFont[] = FONT_SET,
): Promise<FontInfo[]> {
  const root = resolve(dir);
  const nodeModules = join(root, 'node_modules');
  const seen = new Set<string>();
  for (const f of fonts) {
    if (seen.has(f.id)) throw new Error(`font set lists @fontsource/${f.id} twice`);
    seen.add(f.id);
    if (!(FONT_CATEGORIES as readonly string[]).includes(f.category)) throw new Error(`@fontsource/${f.id}: unknown category ${f.category}`);
  }
  const missing = fonts.filter((f) => installedVersion(nodeModules, f.id) !== f.version);
  if (missing.length) {
    // npm removes the packages a --no-save install does not name: name those already there too
    const byId = new Map<string, Pick<PinnedFont, 'id' | 'version'>>();
    for (const id of installedIds(nodeModules)) {
      const version = installedVersion(nodeModules, id);
      if (version) byId.set(id, { id, version });
    }
    for (const f of fonts) byId.set(f.id, f);
    const all = [...byId.values()];
    const list = missing.map((f) => `${f.id}@${f.version}`);
    log(`fonts: installing ${missing.length} @fontsource package(s) (${list.slice(0, 6).join(', ')}${list.length > 6 ? `, … ${list.length - 6} more` : ''}) into ${root} with npm`);
    await mkdir(root, { recursive: true });
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    try {
      await promisify(execFile)(npm, fontInstallArgs(root, all), { cwd: root, timeout: 15 * 60_000, maxBuffer: 16 * 1024 * 1024 });
    } catch (e) {
      const detail = ((e as { stderr?: string }).stderr || (e as Error).message).trim().split('\n').slice(-3).join(' | ');
      throw new Error(
        `could not install the pinned @fontsource fonts into ${root}: npm install failed (${detail}). ` +
          `The fonts and letters datasets need the npm registry once per machine (${all.length} pinned @fontsource packages, about 1 MB each). ` +
          `To pre-install them: on a machine that reaches the registry run \`npx onnxline data fonts\` (or ` +
          `\`npm ${fontInstallArgs(root, []).join(' ')} @fontsource/<id>@<version> …\` with the FONT_SET of pipeline/data/fonts/font-set.ts), ` +
          `then copy its .cache/fonts folder to ${root}, or point ONNXLINE_CACHE_DIR at a cache folder holding fonts/`,
      );
    }
    const still = fonts.filter((f) => installedVersion(nodeModules, f.id) !== f.version);
    if (still.length) {
      throw new Error(`npm install into ${root} finished but ${still.map((f) => `@fontsource/${f.id}@${f.version}`).join(', ')} is still not installed there`);
    }
  }
  return fonts.map((f) => {
    const info = readFontsourcePackage(join(nodeModules, '@fontsource', f.id));
    if (info.category !== f.category) throw new Error(`@fontsource/${f.id}@${f.version} has category ${info.category}, the font set says ${f.category}; fix font-set.ts`);
    return info;
  });
}
