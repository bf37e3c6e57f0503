/** Test fixtures for the data layer: temp folders and writers for tiny IDX / CIFAR files. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { ImageSet } from '../../pipeline/data/types.ts';

/** Runs `fn` with a fresh temp folder, removed afterwards. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'onnxline-data-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Bytes of an IDX image file: magic 2051, count, rows, cols (big-endian), then pixels. */
export function idxImagesBytes(count: number, rows: number, cols: number, pixel: (i: number, y: number, x: number) => number): Uint8Array {
  const out = new Uint8Array(16 + count * rows * cols);
  const v = new DataView(out.buffer);
  v.setUint32(0, 2051);
  v.setUint32(4, count);
  v.setUint32(8, rows);
  v.setUint32(12, cols);
  for (let i = 0; i < count; i++) for (let y = 0; y < rows; y++) for (let x = 0; x < cols; x++) out[16 + (i * rows + y) * cols + x] = pixel(i, y, x);
  return out;
}

/** Bytes of an IDX label file: magic 2049, count (big-endian), then labels. */
export function idxLabelsBytes(labels: readonly number[]): Uint8Array {
  const out = new Uint8Array(8 + labels.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, 2049);
  v.setUint32(4, labels.length);
  out.set(labels, 8);
  return out;
}

/** Channel value of CIFAR record `r`, channel `c` (0 R, 1 G, 2 B), plane position `p` = y×32+x. */
export const cifarValue = (r: number, c: number, p: number): number => (p * (c + 1) + r * 7 + c * 50) % 256;

/** Bytes of a CIFAR-10 binary batch whose pixels follow {@link cifarValue}. */
export function cifarBatchBytes(labels: readonly number[]): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((label, r) => {
    out[r * 3073] = label;
    for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) out[r * 3073 + 1 + c * 1024 + p] = cifarValue(r, c, p);
  });
  return out;
}

/** SHA-1 of each sample's pixels, for disjointness checks. */
export function sampleHashes(set: ImageSet): string[] {
  const size = set.shape[0] * set.shape[1] * set.shape[2];
  return Array.from({ length: set.count }, (_, i) => createHash('sha1').update(set.pixels.subarray(i * size, (i + 1) * size)).digest('hex'));
}

/** A small deterministic ImageSet: sample i has every pixel = (i × 13 + k) mod 256 and label i mod classes. */
export function tinySet(count: number, shape: [number, number, number], classes: number): ImageSet {
  const size = shape[0] * shape[1] * shape[2];
  const pixels = new Uint8Array(count * size);
  for (let i = 0; i < count; i++) for (let k = 0; k < size; k++) pixels[i * size + k] = (i * 13 + k) % 256;
  return { pixels, labels: Int32Array.from({ length: count }, (_, i) => i % classes), shape, count };
}
