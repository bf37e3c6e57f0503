/**
 * Layout arithmetic: Keras shapes are channels-last; a channels-first value stores axis
 * `rank-1` (channels) at physical position 1. These helpers map axes, shapes and permutations
 * between the two so converters never hand-write a permutation.
 */
import type { Layout, TensorRef } from './types.ts';

/** Permutation taking channels-last to channels-first: [0, r-1, 1, ..., r-2]. */
export function toChannelsFirstPerm(rank: number): number[] {
  return [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];
}

/** Permutation taking channels-first to channels-last: [0, 2, ..., r-1, 1]. */
export function toChannelsLastPerm(rank: number): number[] {
  return [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];
}

/** For a value in `layout`, physical position p holds Keras axis `kerasAxisAt(layout, rank)[p]`. */
export function kerasAxisAt(layout: Layout, rank: number): number[] {
  return layout === 'channels_first' && rank >= 3 ? toChannelsFirstPerm(rank) : Array.from({ length: rank }, (_, i) => i);
}

/** Normalises a possibly negative Keras axis against `rank`; throws if out of range. */
export function normAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw new Error(`axis ${axis} is out of range for a rank-${rank} tensor`);
  return a;
}

/** The physical axis of Keras axis `axis` (may be negative) for a value of this layout and rank. */
export function physicalAxis(ref: Pick<TensorRef, 'layout' | 'shape'>, axis: number): number {
  const rank = ref.shape.length;
  return kerasAxisAt(ref.layout, rank).indexOf(normAxis(axis, rank));
}

/** The physical shape of a value: its Keras shape permuted into its layout. */
export function physicalShape(ref: Pick<TensorRef, 'layout' | 'shape'>): (number | null)[] {
  return kerasAxisAt(ref.layout, ref.shape.length).map((k) => ref.shape[k]!);
}

/** Inverse of a permutation. */
export function invertPerm(perm: number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

/** Composition: applying Transpose(p1) then Transpose(p2) equals Transpose(composePerms(p1, p2)). */
export function composePerms(p1: number[], p2: number[]): number[] {
  return p2.map((i) => p1[i]!);
}

/** True if `perm` is the identity. */
export function isIdentityPerm(perm: number[]): boolean {
  return perm.every((p, i) => p === i);
}

/**
 * Transposes row-major `data` of shape `dims` by `perm` (numpy semantics: out.shape[i] = dims[perm[i]]).
 * Used to rearrange weights at export time.
 */
export function transposeData<T extends Float32Array | Int32Array>(data: T, dims: number[], perm: number[]): T {
  const rank = dims.length;
  const outDims = perm.map((p) => dims[p]!);
  const inStrides = new Array<number>(rank);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) {
    inStrides[i] = s;
    s *= dims[i]!;
  }
  const stridesForOut = perm.map((p) => inStrides[p]!);
  const out = new (data.constructor as new (n: number) => T)(data.length);
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  for (let o = 0; o < data.length; o++) {
    out[o] = data[src]!;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]!++;
      src += stridesForOut[d]!;
      if (idx[d]! < outDims[d]!) break;
      src -= stridesForOut[d]! * idx[d]!;
      idx[d] = 0;
    }
  }
  return out;
}
