import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { runWasm, f32, reshapeInfo, dispose, type BackendWasm } from '../wasm/util.ts';

function info(x: tf.Shape, f: [number,number,number,number], s: number, pad: 'same'|'valid') {
  return tf.backend_util.computeConv2DInfo(x as [number,number,number,number], f, s, 1, pad, undefined, false, 'channelsLast');
}
function im2col(backend: BackendWasm, x: tf.TensorInfo, ci: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = ci;
  const pt = ci.padInfo.top, pl = ci.padInfo.left;
  const K = KH * KW * C;
  const cols = backend.makeOutput([B * OH * OW, K], 'float32');
  const xv = f32(backend, x); const cv = f32(backend, cols);
  let dst = 0;
  for (let b = 0; b < B; b++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
    for (let kh = 0; kh < KH; kh++) {
      const ih = oh * sh + kh * dh - pt;
      if (ih < 0 || ih >= H) { cv.fill(0, dst, dst + KW * C); dst += KW * C; continue; }
      const rowBase = (b * H + ih) * W;
      for (let kw = 0; kw < KW; kw++) {
        const iw = ow * sw + kw * dw - pl;
        if (iw < 0 || iw >= W) { for (let c = 0; c < C; c++) cv[dst++] = 0; continue; }
        let src = (rowBase + iw) * C;
        for (let c = 0; c < C; c++) cv[dst++] = xv[src++]!;
      }
    }
  }
  return cols;
}
function im2colT(backend: BackendWasm, x: tf.TensorInfo, ci: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = ci;
  const pt = ci.padInfo.top, pl = ci.padInfo.left;
  const M = B * OH * OW;
  const cols = backend.makeOutput([KH * KW * C, M], 'float32');
  const xv = f32(backend, x); const cv = f32(backend, cols);
  let dst = 0;
  for (let kh = 0; kh < KH; kh++) for (let kw = 0; kw < KW; kw++) for (let c = 0; c < C; c++) {
    for (let b = 0; b < B; b++) for (let oh = 0; oh < OH; oh++) {
      const ih = oh * sh + kh * dh - pt;
      if (ih < 0 || ih >= H) { cv.fill(0, dst, dst + OW); dst += OW; continue; }
      const rowBase = (b * H + ih) * W;
      for (let ow = 0; ow < OW; ow++) {
        const iw = ow * sw + kw * dw - pl;
        cv[dst++] = iw < 0 || iw >= W ? 0 : xv[(rowBase + iw) * C + c]!;
      }
    }
  }
  return cols;
}
function varA1(backend: BackendWasm, x: tf.TensorInfo, dy: tf.TensorInfo, ci: tf.backend_util.Conv2DInfo) {
  const M = ci.batchSize * ci.outHeight * ci.outWidth, K = ci.filterHeight * ci.filterWidth * ci.inChannels, CO = ci.outChannels;
  const t0 = performance.now();
  const cols = im2col(backend, x, ci);
  const t1 = performance.now();
  const dy2 = reshapeInfo(backend, dy, [M, CO]);
  const dyT = runWasm('Transpose', backend, { x: dy2 }, { perm: [1, 0] });
  const t2 = performance.now();
  const a = reshapeInfo(backend, dyT, [1, CO, M]); const b = reshapeInfo(backend, cols, [1, M, K]);
  const p = runWasm('BatchMatMul', backend, { a, b }, { transposeA: false, transposeB: false });
  const t3 = performance.now();
  const p2 = reshapeInfo(backend, p, [CO, K]);
  const out = runWasm('Transpose', backend, { x: p2 }, { perm: [1, 0] });
  dispose(backend, cols, dy2, dyT, a, b, p, p2);
  const t4 = performance.now();
  return { out: reshapeInfo(backend, out, ci.filterShape), t: [t1 - t0, t2 - t1, t3 - t2, t4 - t3].map(v => v.toFixed(1)).join(' '), tmp: out };
}
function varA2(backend: BackendWasm, x: tf.TensorInfo, dy: tf.TensorInfo, ci: tf.backend_util.Conv2DInfo) {
  const M = ci.batchSize * ci.outHeight * ci.outWidth, K = ci.filterHeight * ci.filterWidth * ci.inChannels, CO = ci.outChannels;
  const t0 = performance.now();
  const cols = im2colT(backend, x, ci);
  const t1 = performance.now();
  const a = reshapeInfo(backend, cols, [1, K, M]); const b = reshapeInfo(backend, dy, [1, M, CO]);
  const p = runWasm('BatchMatMul', backend, { a, b }, { transposeA: false, transposeB: false });
  const t2 = performance.now();
  dispose(backend, cols, a, b);
  return { out: reshapeInfo(backend, p, ci.filterShape), t: [t1 - t0, t2 - t1].map(v => v.toFixed(1)).join(' '), tmp: p };
}
function im2colT2(backend: BackendWasm, x: tf.TensorInfo, ci: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = ci;
  const pt = ci.padInfo.top, pl = ci.padInfo.left;
  const M = B * OH * OW;
  const xT = C === 1 ? x : runWasm('Transpose', backend, { x }, { perm: [3, 0, 1, 2] });
  const cols = backend.makeOutput([KH * KW * C, M], 'float32');
  const xv = f32(backend, xT); const cv = f32(backend, cols);
  let dst = 0;
  for (let kh = 0; kh < KH; kh++) for (let kw = 0; kw < KW; kw++) {
    // valid ow range for this kw
    let owLo = 0; while (owLo < OW && owLo * sw + kw * dw - pl < 0) owLo++;
    let owHi = OW; while (owHi > owLo && (owHi - 1) * sw + kw * dw - pl >= W) owHi--;
    for (let c = 0; c < C; c++) {
      for (let b = 0; b < B; b++) for (let oh = 0; oh < OH; oh++) {
        const ih = oh * sh + kh * dh - pt;
        if (ih < 0 || ih >= H) { cv.fill(0, dst, dst + OW); dst += OW; continue; }
        const rowBase = ((c * B + b) * H + ih) * W + kw * dw - pl;
        let ow = 0;
        for (; ow < owLo; ow++) cv[dst++] = 0;
        if (sw === 1) { for (; ow < owHi; ow++) cv[dst++] = xv[rowBase + ow]!; }
        else { for (; ow < owHi; ow++) cv[dst++] = xv[rowBase + ow * sw]!; }
        for (; ow < OW; ow++) cv[dst++] = 0;
      }
    }
  }
  if (xT !== x) dispose(backend, xT);
  return cols;
}
function varA3(backend: BackendWasm, x: tf.TensorInfo, dy: tf.TensorInfo, ci: tf.backend_util.Conv2DInfo) {
  const M = ci.batchSize * ci.outHeight * ci.outWidth, K = ci.filterHeight * ci.filterWidth * ci.inChannels, CO = ci.outChannels;
  const t0 = performance.now();
  const cols = im2colT2(backend, x, ci);
  const t1 = performance.now();
  const a = reshapeInfo(backend, cols, [1, K, M]); const b = reshapeInfo(backend, dy, [1, M, CO]);
  const p = runWasm('BatchMatMul', backend, { a, b }, { transposeA: false, transposeB: false });
  const t2 = performance.now();
  dispose(backend, cols, a, b);
  return { out: reshapeInfo(backend, p, ci.filterShape), t: [t1 - t0, t2 - t1].map(v => v.toFixed(1)).join(' '), tmp: p };
}
function varB(backend: BackendWasm, x: tf.TensorInfo, dy: tf.TensorInfo, ci: tf.backend_util.Conv2DInfo) {
  const t0 = performance.now();
  const xT = runWasm('Transpose', backend, { x }, { perm: [3, 1, 2, 0] }); // [C,H,W,B]
  const fT = runWasm('Transpose', backend, { x: dy }, { perm: [1, 2, 0, 3] }); // [OH,OW,B,CO]
  const t1 = performance.now();
  const pad: [[number,number],[number,number],[number,number],[number,number]] = [[0,0],[ci.padInfo.top, ci.padInfo.bottom],[ci.padInfo.left, ci.padInfo.right],[0,0]];
  const r = runWasm('Conv2D', backend, { x: xT, filter: fT }, { strides: 1, pad: pad as unknown as tf.NamedAttrMap[string], dataFormat: 'NHWC', dilations: [ci.strideHeight, ci.strideWidth], dimRoundingMode: null as unknown as string });
  const t2 = performance.now();
  let r2 = r;
  if (r.shape[1] !== ci.filterHeight || r.shape[2] !== ci.filterWidth) {
    r2 = runWasm('Slice', backend, { x: r }, { begin: [0, 0, 0, 0], size: [ci.inChannels, ci.filterHeight, ci.filterWidth, ci.outChannels] });
  }
  const out = runWasm('Transpose', backend, { x: r2 }, { perm: [1, 2, 0, 3] });
  dispose(backend, xT, fT, r); if (r2 !== r) dispose(backend, r2);
  const t3 = performance.now();
  return { out, t: [t1 - t0, t2 - t1, t3 - t2].map(v => v.toFixed(1)).join(' '), tmp: out };
}

await tf.setBackend('wasm');
const backend = tf.backend() as unknown as BackendWasm;
for (const [xs, f, s, pad] of [[[128,28,28,1],[3,3,1,32],1,'valid'],[[128,13,13,32],[3,3,32,64],1,'valid'],[[8,9,7,3],[3,2,3,5],2,'same'], [[4,10,11,3],[3,3,3,4],2,'valid']] as const) {
  const ci = info(xs as unknown as number[], f as unknown as [number,number,number,number], s, pad);
  const x = tf.randomNormal(xs as unknown as number[]); const dy = tf.randomNormal([ci.batchSize, ci.outHeight, ci.outWidth, ci.outChannels]);
  tf.setBackend('cpu');
  const xc = tf.tensor(x.dataSync(), x.shape), dyc = tf.tensor(dy.dataSync(), dy.shape);
  let t = performance.now();
  const ref = tf.engine().runKernel('Conv2DBackpropFilter', { x: xc, dy: dyc }, { strides: s, pad, dataFormat: 'NHWC', filterShape: f as unknown as number[] }) as tf.Tensor;
  const refv = ref.dataSync(); const tcpu = performance.now() - t;
  await tf.setBackend('wasm');
  for (const [name, fn] of [['A1', varA1], ['A2', varA2], ['A3', varA3], ['B', varB]] as const) {
    let best = Infinity; let last = '';
    let err = 0;
    for (let i = 0; i < 8; i++) {
      const t0 = performance.now();
      const r = fn(backend, { dataId: x.dataId, shape: x.shape, dtype: 'float32' }, { dataId: dy.dataId, shape: dy.shape, dtype: 'float32' }, ci);
      const el = performance.now() - t0;
      if (el < best) { best = el; last = r.t; }
      const v = f32(backend, r.out); err = 0; let mx = 0;
      for (let j = 0; j < v.length; j++) { err = Math.max(err, Math.abs(v[j]! - refv[j]!)); mx = Math.max(mx, Math.abs(refv[j]!)); }
      err /= mx;
      dispose(backend, r.out); if (r.tmp !== r.out) dispose(backend, r.tmp);
    }
    console.log(xs.join('x'), f.join('x'), s, pad, name, 'best ms', best.toFixed(1), '[', last, '] relerr', err.toExponential(2), 'cpu ms', tcpu.toFixed(0));
  }
}
