/**
 * im2col / col2im for NHWC convolutions on the wasm heap, the data movement half of expressing
 * convolution gradients as one XNNPACK matrix multiply.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { dispose, f32, runWasm, type BackendWasm } from './util.ts';

/** The geometry im2col needs; a subset of tfjs's Conv2DInfo, always NHWC. */
export interface ConvGeometry {
  batchSize: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
}

/** Reads the fields im2col needs out of a tfjs Conv2DInfo. */
export function geometryOf(ci: tf.backend_util.Conv2DInfo): ConvGeometry {
  return {
    batchSize: ci.batchSize,
    inHeight: ci.inHeight,
    inWidth: ci.inWidth,
    inChannels: ci.inChannels,
    outHeight: ci.outHeight,
    outWidth: ci.outWidth,
    filterHeight: ci.filterHeight,
    filterWidth: ci.filterWidth,
    strideHeight: ci.strideHeight,
    strideWidth: ci.strideWidth,
    dilationHeight: ci.dilationHeight,
    dilationWidth: ci.dilationWidth,
    padTop: ci.padInfo.top,
    padLeft: ci.padInfo.left,
  };
}

/** First and one-past-last output column whose input column `ow*sw + off` lies inside [0, W). */
function validRange(n: number, stride: number, off: number, size: number): [number, number] {
  let lo = 0;
  while (lo < n && lo * stride + off < 0) lo++;
  let hi = n;
  while (hi > lo && (hi - 1) * stride + off >= size) hi--;
  return [lo, hi];
}

/**
 * Transposed patch matrix of an NHWC float32 input: a new [KH*KW*C, B*OH*OW] tensor whose row
 * (kh, kw, c) holds, for every output position (b, oh, ow), the input value that filter tap
 * (kh, kw) reads on channel c there (0 where it falls in padding). Row order matches the
 * flattening of a [KH, KW, C, *] filter, so `cols @ dy2d` is the filter gradient.
 */
export function im2colT(backend: BackendWasm, x: tf.TensorInfo, g: ConvGeometry): tf.TensorInfo {
  const cols = backend.makeOutput([g.filterHeight * g.filterWidth * g.inChannels, g.batchSize * g.outHeight * g.outWidth], 'float32');
  im2colTInto(backend, x, g, () => f32(backend, cols));
  return cols;
}

/**
 * {@link im2colT} into memory the caller provides: `target()` returns a Float32Array of at least
 * KH·KW·C × B·OH·OW values. It is asked for after the last wasm allocation here, so a view of the
 * wasm heap stays valid; an ordinary buffer lets native code read the result without a copy.
 */
export function im2colTInto(backend: BackendWasm, x: tf.TensorInfo, g: ConvGeometry, target: () => Float32Array): void {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = g;
  const { filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = g;
  // Channel-major copy of x ([C, B, H, W]) so each patch row is read contiguously.
  const xT = C === 1 ? x : runWasm('Transpose', backend, { x }, { perm: [3, 0, 1, 2] });
  const cv = target();
  const xv = f32(backend, xT);
  if (sh === 1 && sw === 1 && dh === 1 && dw === 1 && OH === H && OW === W) {
    im2colTSame(xv, cv, g);
    if (xT !== x) dispose(backend, xT);
    return;
  }
  let dst = 0;
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      const colOff = kw * dw - g.padLeft;
      const [owLo, owHi] = validRange(OW, sw, colOff, W);
      for (let c = 0; c < C; c++) {
        for (let b = 0; b < B; b++) {
          const plane = (c * B + b) * H;
          for (let oh = 0; oh < OH; oh++) {
            const ih = oh * sh + kh * dh - g.padTop;
            if (ih < 0 || ih >= H) {
              cv.fill(0, dst, dst + OW);
              dst += OW;
              continue;
            }
            const src = (plane + ih) * W + colOff;
            let ow = 0;
            for (; ow < owLo; ow++) cv[dst++] = 0;
            if (sw === 1) for (; ow < owHi; ow++) cv[dst++] = xv[src + ow];
            else for (; ow < owHi; ow++) cv[dst++] = xv[src + ow * sw];
            for (; ow < OW; ow++) cv[dst++] = 0;
          }
        }
      }
    }
  }
  if (xT !== x) dispose(backend, xT);
}

/**
 * im2colT for stride 1, dilation 1 and an output the size of the input ('same' padding): there,
 * row (kh, kw, c) of the patch matrix is channel c of x (all images, [B·H·W] contiguous in the
 * channel-major copy) shifted by (kh − padTop)·W + (kw − padLeft), except at positions whose tap
 * falls in the padding. So each row is one native block copy, then zeros written over the
 * out-of-image rows and columns, instead of a JS loop per element.
 */
function im2colTSame(xv: Float32Array, cv: Float32Array, g: ConvGeometry): void {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, filterHeight: KH, filterWidth: KW } = g;
  const plane = H * W;
  const total = B * plane;
  for (let kh = 0; kh < KH; kh++) {
    const rowOff = kh - g.padTop;
    const [ohLo, ohHi] = validRange(H, 1, rowOff, H);
    for (let kw = 0; kw < KW; kw++) {
      const colOff = kw - g.padLeft;
      const [owLo, owHi] = validRange(W, 1, colOff, W);
      const shift = rowOff * W + colOff;
      const j0 = Math.max(0, -shift);
      const j1 = Math.min(total, total - shift);
      for (let c = 0; c < C; c++) {
        const dst = ((kh * KW + kw) * C + c) * total;
        const src = c * total;
        if (j1 > j0) cv.set(xv.subarray(src + j0 + shift, src + j1 + shift), dst + j0);
        else cv.fill(0, dst, dst + total);
        for (let b = 0; b < B; b++) {
          const pb = dst + b * plane;
          if (ohLo > 0) cv.fill(0, pb, pb + ohLo * W);
          if (ohHi < H) cv.fill(0, pb + ohHi * W, pb + plane);
          if (owLo > 0 || owHi < W) {
            for (let oh = ohLo; oh < ohHi; oh++) {
              const r = pb + oh * W;
              for (let ow = 0; ow < owLo; ow++) cv[r + ow] = 0;
              for (let ow = owHi; ow < W; ow++) cv[r + ow] = 0;
            }
          }
        }
      }
    }
  }
}

/**
 * Inverse of an (untransposed) im2col: given `cols` [B*OH*OW, KH*KW*C] (row = output position,
 * column = (kh, kw, c)), returns a new NHWC [B, H, W, C] tensor where every input element is the
 * sum of the columns that read it. This is the input gradient when cols = dy2d @ filter2d^T.
 */
export function col2im(backend: BackendWasm, cols: tf.TensorInfo, g: ConvGeometry): tf.TensorInfo {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = g;
  const { filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = g;
  const dx = backend.makeOutput([B, H, W, C], 'float32');
  const cv = f32(backend, cols);
  const dv = f32(backend, dx);
  dv.fill(0);
  const K = KH * KW * C;
  let row = 0;
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++, row += K) {
        for (let kh = 0; kh < KH; kh++) {
          const ih = oh * sh + kh * dh - g.padTop;
          if (ih < 0 || ih >= H) continue;
          const rowBase = (b * H + ih) * W;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * sw + kw * dw - g.padLeft;
            if (iw < 0 || iw >= W) continue;
            let d = (rowBase + iw) * C;
            let s = row + (kh * KW + kw) * C;
            for (let c = 0; c < C; c++) dv[d++] += cv[s++];
          }
        }
      }
    }
  }
  return dx;
}
