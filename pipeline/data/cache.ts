/**
 * A compact binary cache for SplitImageDatasets, so a decoded + split dataset loads in
 * milliseconds the second time. File layout (`<cache>/datasets/<key-slug>.bin`):
 *
 *   8 bytes  magic "ONXLDSET"
 *   4 bytes  header length H (uint32 LE)
 *   H bytes  JSON header: format version, key, name, classNames, source, per split count +
 *            shape + block offsets, CRC-32 of the data region; text datasets add their
 *            `tokenizer` (level, length, words), absent in older files, which still decode
 *   padding to 8 bytes, then the data region: for train, validation, test — raw uint8 pixels,
 *   then int32 little-endian labels, each block starting at a multiple of 8.
 *
 * No floats, no JSON arrays of data. A file that is short, corrupt, from another format version
 * or for another key is rebuilt (with a note on stderr), never trusted and never fatal.
 */
import { readFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';
import { writeFileAtomic } from '../runner/atomic.ts';
import type { ImageSet, SplitImageDataset } from './types.ts';
import { assertImageSet } from './imageset.ts';
import { parseTokenizerSpec, type TokenizerSpec } from './text/tokenize.ts';

/** Bumped whenever the layout changes; files of other versions are rebuilt. */
export const DATASET_CACHE_FORMAT_VERSION = 1;
const MAGIC = new TextEncoder().encode('ONXLDSET');
const SPLITS = ['train', 'validation', 'test'] as const;
type SplitName = (typeof SPLITS)[number];
const LITTLE_ENDIAN = endianness() === 'LE';

interface Block {
  offset: number;
  length: number;
}
interface SplitHeader {
  count: number;
  shape: [number, number, number];
  pixels: Block;
  /** 'uint16' for token ids; absent = uint8 pixels. */
  pixelType?: 'uint16';
  labels: Block;
  /** Label columns per sample; absent = 1. */
  labelWidth?: number;
}
interface CacheHeader {
  formatVersion: number;
  key: string;
  name: string;
  classNames: string[];
  labelClasses?: number[];
  source: string;
  /** Text datasets: their tokenizer; absent in files written before it was kept. */
  tokenizer?: TokenizerSpec;
  createdAt: string;
  dataBytes: number;
  crc32: number | null;
  splits: Record<SplitName, SplitHeader>;
}

/** Why a cache file could not be used; `kind` 'stale' means valid but for another key/version. */
export class DatasetCacheError extends Error {
  constructor(
    message: string,
    readonly kind: 'corrupt' | 'stale',
  ) {
    super(message);
    this.name = 'DatasetCacheError';
  }
}

const align8 = (n: number) => (n + 7) & ~7;
const crc32 = (bytes: Uint8Array): number | null =>
  typeof (zlib as { crc32?: unknown }).crc32 === 'function' ? zlib.crc32(bytes) >>> 0 : null;

/** The dataset cache folder: `$ONNXLINE_CACHE_DIR/datasets`, else `<repo root>/.cache/datasets`. */
export function datasetCacheDir(): string {
  const root = process.env.ONNXLINE_CACHE_DIR || fileURLToPath(new URL('../../.cache', import.meta.url));
  return join(root, 'datasets');
}

/**
 * Builds a cache key from the loader name and every parameter that changes its output (seed,
 * fractions, source version or file fingerprint…): `loader?a=1&b=x`, parameters sorted, undefined
 * ones dropped. Equal inputs give equal keys; any changed parameter gives a different key.
 */
export function datasetCacheKey(loader: string, params: Record<string, string | number | boolean | undefined>): string {
  const parts = Object.keys(params)
    .sort()
    .filter((k) => params[k] !== undefined)
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(String(params[k]))}`);
  return parts.length ? `${loader}?${parts.join('&')}` : loader;
}

/**
 * The file a key is cached in: a readable slug (loader name and short parameters, e.g.
 * `mnist_seed=42_val=0.1…`) plus a hash of the exact key, so distinct keys never share a file.
 */
export function datasetCachePath(key: string, dir: string = datasetCacheDir()): string {
  const [loader, query = ''] = key.split('?', 2);
  const short = query.split('&').filter((p) => p && p.length <= 24);
  const slug = [loader, ...short].join('_').replace(/[^A-Za-z0-9.=-]+/g, '_').slice(0, 80);
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 12);
  return join(dir, `${slug}-${hash}.bin`);
}

function int32ToBytes(labels: Int32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(labels.buffer, labels.byteOffset, labels.byteLength);
  const out = new Uint8Array(labels.length * 4);
  const view = new DataView(out.buffer);
  labels.forEach((v, i) => view.setInt32(i * 4, v, true));
  return out;
}

function uint16ToBytes(values: Uint16Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setUint16(i * 2, v, true));
  return out;
}

function bytesToUint16(bytes: Uint8Array): Uint16Array {
  const copy = bytes.slice();
  if (LITTLE_ENDIAN) return new Uint16Array(copy.buffer, 0, copy.length / 2);
  const view = new DataView(copy.buffer);
  return Uint16Array.from({ length: copy.length / 2 }, (_, i) => view.getUint16(i * 2, true));
}

function bytesToInt32(bytes: Uint8Array): Int32Array {
  const copy = bytes.slice(); // fresh, aligned buffer
  if (LITTLE_ENDIAN) return new Int32Array(copy.buffer, 0, copy.length / 4);
  const view = new DataView(copy.buffer);
  return Int32Array.from({ length: copy.length / 4 }, (_, i) => view.getInt32(i * 4, true));
}

/** Serialises `ds` under `key` into the cache file format (see the module comment). */
export function encodeDatasetCache(key: string, ds: SplitImageDataset): Uint8Array {
  let at = 0;
  const blocks: { bytes: Uint8Array; offset: number }[] = [];
  const place = (bytes: Uint8Array): Block => {
    const offset = at;
    blocks.push({ bytes, offset });
    at = align8(at + bytes.length);
    return { offset, length: bytes.length };
  };
  const splits = {} as Record<SplitName, SplitHeader>;
  for (const s of SPLITS) {
    const set = ds[s];
    assertImageSet(set, `dataset ${ds.name} ${s} split`, ds.labelClasses ?? ds.classNames.length);
    splits[s] = {
      count: set.count,
      shape: [...set.shape],
      pixels: place(set.pixels instanceof Uint16Array ? uint16ToBytes(set.pixels) : set.pixels),
      ...(set.pixels instanceof Uint16Array ? { pixelType: 'uint16' as const } : {}),
      labels: place(int32ToBytes(set.labels)),
      ...(set.labelWidth !== undefined && set.labelWidth !== 1 ? { labelWidth: set.labelWidth } : {}),
    };
  }
  const data = new Uint8Array(at);
  for (const b of blocks) data.set(b.bytes, b.offset);
  const header: CacheHeader = {
    formatVersion: DATASET_CACHE_FORMAT_VERSION,
    key,
    name: ds.name,
    classNames: ds.classNames,
    ...(ds.labelClasses ? { labelClasses: ds.labelClasses } : {}),
    source: ds.source,
    ...(ds.tokenizer ? { tokenizer: ds.tokenizer } : {}),
    createdAt: new Date().toISOString(),
    dataBytes: data.length,
    crc32: crc32(data),
    splits,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = align8(MAGIC.length + 4 + json.length);
  const out = new Uint8Array(dataStart + data.length);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(MAGIC.length, json.length, true);
  out.set(json, MAGIC.length + 4);
  out.set(data, dataStart);
  return out;
}

/**
 * Decodes a cache file. Throws DatasetCacheError ('corrupt' for a bad magic, header, length,
 * checksum or inconsistent shapes; 'stale' for another format version or, if `expectedKey` is
 * given, another key). Pixel arrays are views into `bytes` (no copy).
 */
export function decodeDatasetCache(bytes: Uint8Array, expectedKey?: string): SplitImageDataset {
  const corrupt = (why: string) => new DatasetCacheError(why, 'corrupt');
  if (bytes.length < MAGIC.length + 4) throw corrupt(`file is only ${bytes.length} bytes`);
  if (!MAGIC.every((b, i) => bytes[i] === b)) throw corrupt('bad magic (not an onnxline dataset cache)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(MAGIC.length, true);
  if (MAGIC.length + 4 + headerLength > bytes.length) throw corrupt(`header length ${headerLength} runs past the end of the ${bytes.length}-byte file`);
  let header: CacheHeader;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(MAGIC.length + 4, MAGIC.length + 4 + headerLength))) as CacheHeader;
  } catch (err) {
    throw corrupt(`header is not valid JSON (${(err as Error).message})`);
  }
  if (header.formatVersion !== DATASET_CACHE_FORMAT_VERSION) {
    throw new DatasetCacheError(`format version ${String(header.formatVersion)}, expected ${DATASET_CACHE_FORMAT_VERSION}`, 'stale');
  }
  if (expectedKey !== undefined && header.key !== expectedKey) throw new DatasetCacheError(`it holds key "${header.key}"`, 'stale');
  const dataStart = align8(MAGIC.length + 4 + headerLength);
  if (bytes.length !== dataStart + header.dataBytes) {
    throw corrupt(`file is ${bytes.length} bytes, header says ${dataStart + header.dataBytes} (truncated or padded)`);
  }
  const data = bytes.subarray(dataStart);
  if (header.crc32 !== null) {
    const actual = crc32(data);
    if (actual !== null && actual !== header.crc32) throw corrupt(`data checksum mismatch (crc32 ${actual} ≠ ${header.crc32})`);
  }
  if (!Array.isArray(header.classNames) || typeof header.name !== 'string' || typeof header.source !== 'string') {
    throw corrupt('header lacks name / classNames / source');
  }
  const block = (b: Block | undefined, what: string): Uint8Array => {
    if (!b || !Number.isInteger(b.offset) || !Number.isInteger(b.length) || b.offset < 0 || b.length < 0 || b.offset + b.length > data.length) {
      throw corrupt(`${what} block is out of bounds`);
    }
    return data.subarray(b.offset, b.offset + b.length);
  };
  const evenBlock = (b: Uint8Array, what: string): Uint8Array => {
    if (b.length % 2 !== 0) throw corrupt(`${what} block is not a whole number of uint16`);
    return b;
  };
  let tokenizer: TokenizerSpec | undefined;
  try {
    tokenizer = header.tokenizer === undefined ? undefined : parseTokenizerSpec(header.tokenizer, 'header tokenizer');
  } catch (err) {
    throw corrupt((err as Error).message);
  }
  const sets = {} as Record<SplitName, ImageSet>;
  for (const s of SPLITS) {
    const h = header.splits?.[s];
    if (!h || !Array.isArray(h.shape) || h.shape.length !== 3) throw corrupt(`split ${s} is missing or has no [H, W, C] shape`);
    const labelBytes = block(h.labels, `${s} labels`);
    if (labelBytes.length % 4 !== 0) throw corrupt(`${s} labels block is not a whole number of int32`);
    const set: ImageSet = {
      pixels: h.pixelType === 'uint16' ? bytesToUint16(evenBlock(block(h.pixels, `${s} token ids`), `${s} token ids`)) : block(h.pixels, `${s} pixels`),
      labels: bytesToInt32(labelBytes),
      shape: [h.shape[0], h.shape[1], h.shape[2]],
      count: h.count,
      ...(h.labelWidth !== undefined ? { labelWidth: h.labelWidth } : {}),
    };
    try {
      assertImageSet(set, s, header.labelClasses ?? header.classNames.length);
    } catch (err) {
      throw corrupt((err as Error).message);
    }
    sets[s] = set;
  }
  return {
    name: header.name,
    classNames: header.classNames,
    ...(header.labelClasses ? { labelClasses: header.labelClasses } : {}),
    source: header.source,
    ...(tokenizer ? { tokenizer } : {}),
    ...sets,
  };
}

/** Options for {@link cachedDataset}. */
export interface CachedDatasetOptions {
  /** Cache folder (default {@link datasetCacheDir}). */
  dir?: string;
  /** Where rebuild / write-failure notes go (default: stderr). */
  log?: (line: string) => void;
}

/**
 * Returns the dataset cached under `key` when a valid file for exactly that key exists;
 * otherwise calls `build` once, writes the result atomically and returns it. An unreadable,
 * corrupt or stale file is rebuilt with a note to `log`; a failed cache write is logged, not thrown.
 */
export async function cachedDataset(
  key: string,
  build: () => Promise<SplitImageDataset> | SplitImageDataset,
  options: CachedDatasetOptions = {},
): Promise<SplitImageDataset> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const path = datasetCachePath(key, options.dir);
  let bytes: Uint8Array | undefined;
  try {
    const buf = await readFile(path);
    bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log(`onnxline: cannot read dataset cache ${path} (${(err as Error).message}); rebuilding it`);
  }
  if (bytes) {
    try {
      return decodeDatasetCache(bytes, key);
    } catch (err) {
      if (!(err instanceof DatasetCacheError)) throw err;
      log(`onnxline: dataset cache ${path} is ${err.kind === 'stale' ? 'out of date' : 'corrupt'} (${err.message}); rebuilding it`);
    }
  }
  const ds = await build();
  const encoded = encodeDatasetCache(key, ds); // throws if `build` returned an inconsistent dataset
  try {
    await writeFileAtomic(path, encoded);
  } catch (err) {
    log(`onnxline: could not write dataset cache ${path} (${(err as Error).message}); continuing without it`);
  }
  return ds;
}
