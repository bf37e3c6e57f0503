import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../register-wasm.ts';
import { maxPoolGrad } from '../wasm/MaxPoolGrad.ts';
import { sum } from '../wasm/Sum.ts';
import { f32, type BackendWasm } from '../wasm/util.ts';
await tf.setBackend('wasm');
registerWasmTrainingKernels();
const backend = tf.backend() as unknown as BackendWasm;
const x = tf.randomNormal([128, 26, 26, 32]); const out = tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid'); const dy = tf.randomNormal(out.shape);
const ti = (t: tf.Tensor) => ({ dataId: t.dataId, shape: t.shape, dtype: t.dtype });
function special(xv: Float32Array, dyv: Float32Array, dx: Float32Array, B: number, H: number, W: number, C: number, OH: number, OW: number) {
  dx.fill(0);
  const rs = W * C;
  for (let b = 0; b < B; b++) for (let oh = 0; oh < OH; oh++) {
    let dyi = ((b * OH + oh) * OW) * C;
    let p00 = ((b * H + 2 * oh) * W) * C;
    for (let ow = 0; ow < OW; ow++, p00 += 2 * C) {
      for (let c = 0; c < C; c++, dyi++) {
        const i0 = p00 + c, i1 = i0 + C, i2 = i0 + rs, i3 = i2 + C;
        let m = xv[i0], p = i0;
        const v1 = xv[i1]; if (v1 > m) { m = v1; p = i1; }
        const v2 = xv[i2]; if (v2 > m) { m = v2; p = i2; }
        const v3 = xv[i3]; if (v3 > m) { m = v3; p = i3; }
        if (m > -Infinity) dx[p] = dyv[dyi];
      }
    }
  }
}
for (let r = 0; r < 5; r++) {
  let t0 = performance.now();
  const a = maxPoolGrad({ inputs: { dy: ti(dy), input: ti(x), output: ti(out) }, backend, attrs: { filterSize: 2, strides: 2, pad: 'valid' } });
  const t1 = performance.now();
  const o2 = backend.makeOutput(x.shape, 'float32');
  const t2 = performance.now();
  special(f32(backend, ti(x)), f32(backend, ti(dy)), f32(backend, o2), 128, 26, 26, 32, 13, 13);
  const t3 = performance.now();
  const s = sum({ inputs: { x: ti(x) }, backend, attrs: { axis: [0, 1, 2], keepDims: false } });
  const t4 = performance.now();
  const va = f32(backend, a), vb = f32(backend, o2); let d = 0; for (let i = 0; i < va.length; i++) d = Math.max(d, Math.abs(va[i] - vb[i]));
  console.log('generic', (t1 - t0).toFixed(1), 'special', (t3 - t2).toFixed(1), 'diff', d, 'sum', (t4 - t3).toFixed(1));
  backend.disposeData(a.dataId); backend.disposeData(o2.dataId); backend.disposeData(s.dataId);
}
