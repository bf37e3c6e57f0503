import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { runWasm, f32, reshapeInfo, dispose, type BackendWasm } from '../wasm/util.ts';
import { col2im, geometryOf } from '../wasm/im2col.ts';

type CI = tf.backend_util.Conv2DInfo;
function naive(backend: BackendWasm, dy: tf.TensorInfo, w: tf.TensorInfo, ci: CI, s: number, pad: string) {
  return runWasm('Conv2DBackpropInput', backend, { dy, filter: w }, { strides: s, pad, dataFormat: 'NHWC', inputShape: ci.inShape });
}
function viaCol2im(backend: BackendWasm, dy: tf.TensorInfo, w: tf.TensorInfo, ci: CI) {
  const M = ci.batchSize * ci.outHeight * ci.outWidth, K = ci.filterHeight * ci.filterWidth * ci.inChannels, CO = ci.outChannels;
  const w2 = reshapeInfo(backend, w, [K, CO]);
  const wT = runWasm('Transpose', backend, { x: w2 }, { perm: [1, 0] });
  const a = reshapeInfo(backend, dy, [1, M, CO]); const b = reshapeInfo(backend, wT, [1, CO, K]);
  const t0 = performance.now();
  const cols = runWasm('BatchMatMul', backend, { a, b }, { transposeA: false, transposeB: false });
  const t1 = performance.now();
  const dx = col2im(backend, cols, geometryOf(ci));
  const t2 = performance.now();
  dispose(backend, w2, wT, a, b, cols);
  return { out: dx, t: `${(t1-t0).toFixed(1)} ${(t2-t1).toFixed(1)}` };
}
function viaConv(backend: BackendWasm, dy: tf.TensorInfo, w: tf.TensorInfo, ci: CI) {
  // stride 1 only: dx = conv(dy, flip(W)^T, pad full)
  const { filterHeight: KH, filterWidth: KW, inChannels: C, outChannels: CO } = ci;
  const wf = backend.makeOutput([KH, KW, CO, C], 'float32');
  const wv = f32(backend, w), fv = f32(backend, wf);
  for (let kh = 0; kh < KH; kh++) for (let kw = 0; kw < KW; kw++) for (let c = 0; c < C; c++) for (let o = 0; o < CO; o++)
    fv[((kh * KW + kw) * CO + o) * C + c] = wv[(((KH - 1 - kh) * KW + (KW - 1 - kw)) * C + c) * CO + o];
  const pt = KH - 1 - ci.padInfo.top, pl = KW - 1 - ci.padInfo.left;
  const pb = ci.inHeight - ci.outHeight - pt + KH - 1, pr = ci.inWidth - ci.outWidth - pl + KW - 1;
  const dx = runWasm('Conv2D', backend, { x: dy, filter: wf }, { strides: 1, dilations: 1, pad: [[0,0],[pt,pb],[pl,pr],[0,0]] as unknown as string, dataFormat: 'NHWC' });
  dispose(backend, wf);
  return { out: dx, t: '' };
}

await tf.setBackend('wasm');
const backend = tf.backend() as unknown as BackendWasm;
for (const [xs, f, s, pad] of [[[128,28,28,1],[3,3,1,32],1,'valid'],[[128,13,13,32],[3,3,32,64],1,'valid'],[[128,14,14,32],[3,3,32,64],1,'same'],[[8,9,7,3],[3,2,3,5],2,'same'], [[4,10,11,3],[3,3,3,4],2,'valid']] as const) {
  const ci = tf.backend_util.computeConv2DInfo(xs as unknown as [number,number,number,number], f as unknown as [number,number,number,number], s, 1, pad, undefined, false, 'channelsLast');
  const w = tf.randomNormal(f as unknown as number[]); const dy = tf.randomNormal([ci.batchSize, ci.outHeight, ci.outWidth, ci.outChannels]);
  const wi = { dataId: w.dataId, shape: w.shape, dtype: 'float32' as const }, dyi = { dataId: dy.dataId, shape: dy.shape, dtype: 'float32' as const };
  const ref = naive(backend, dyi, wi, ci, s, pad); const refv = f32(backend, ref).slice();
  for (const [name, fn] of [['naive', (a: BackendWasm, b: tf.TensorInfo, c: tf.TensorInfo, d: CI) => ({ out: naive(a, b, c, d, s, pad), t: '' })], ['col2im', viaCol2im], ['conv', viaConv]] as const) {
    if (name === 'conv' && s !== 1) continue;
    let best = Infinity, last = '', err = 0;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const r = fn(backend, dyi, wi, ci);
      const el = performance.now() - t0;
      if (el < best) { best = el; last = r.t; }
      const v = f32(backend, r.out); err = 0; let mx = 0;
      for (let j = 0; j < v.length; j++) { err = Math.max(err, Math.abs(v[j] - refv[j])); mx = Math.max(mx, Math.abs(refv[j])); }
      err /= mx; dispose(backend, r.out);
    }
    console.log(xs.join('x'), f.join('x'), s, pad, name, 'best ms', best.toFixed(1), '[', last, '] relerr', err.toExponential(2));
  }
}
