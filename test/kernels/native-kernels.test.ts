/**
 * The native kernels (onnxruntime-node's MLAS, called synchronously) and the wasm kernels that
 * hand large convolutions and products to them: checked against a float64 reference and against
 * tfjs-backend-cpu on the same inputs, with the native path proven taken (its call counter moves)
 * and the wasm fallback checked with native kernels switched off. Tolerance: max |wasm − cpu| ≤ 1e-4 · max(1, max |cpu|).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../../pipeline/kernels/register-wasm.ts';
import { nativeGemm, type NativeActivation } from '../../pipeline/kernels/native/ort-gemm.ts';
import { disableNative, nativeStats, nativeUnavailable, resetNative } from '../../pipeline/kernels/native/ort-sync.ts';
import { agree, assertClose, size, values } from './compare.ts';

const t = (shape: number[], seed: number) => tf.tensor(values(size(shape), seed), shape);
const run = (name: string, inputs: tf.NamedTensorMap, attrs: object) => tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;

/** Asserts `fn` agrees with cpu and made at least one native call on wasm. */
async function agreeNatively(what: string, fn: () => tf.Tensor | tf.Tensor[]): Promise<void> {
  const before = nativeStats().calls;
  await agree(what, fn);
  assert.ok(nativeStats().calls > before, `${what}: no native kernel was used`);
}

before(async () => {
  await tf.setBackend('wasm');
  registerWasmTrainingKernels();
});
after(() => resetNative());

describe('native GEMM (onnxruntime MLAS)', () => {
  it('loads here: onnxruntime-node is a dependency', () => {
    assert.equal(nativeUnavailable(), null);
  });


  const ref = (a: Float32Array, b: Float32Array, m: number, k: number, n: number, ta: boolean, tb: boolean, bias?: Float32Array, act: (v: number) => number = (v) => v) => {
    const out = new Float32Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = bias ? bias[j]! : 0;
        for (let p = 0; p < k; p++) s += a[ta ? p * m + i : i * k + p]! * b[tb ? j * k + p : p * n + j]!;
        out[i * n + j] = act(s);
      }
    }
    return out;
  };
  const [m, k, n] = [37, 53, 29];
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    it(`op(a)·op(b), transA=${ta} transB=${tb}, odd sizes`, () => {
      const a = values(m * k, 1);
      const b = values(k * n, 2);
      const out = new Float32Array(m * n);
      nativeGemm(a, b, m, k, n, ta, tb, out);
      assertClose(out, ref(a, b, m, k, n, ta, tb), 'gemm');
    });
  }
  const acts: Record<NativeActivation, (v: number) => number> = {
    linear: (v) => v,
    relu: (v) => Math.max(0, v),
    relu6: (v) => Math.min(6, Math.max(0, v)),
    elu: (v) => (v > 0 ? v : Math.exp(v) - 1),
    sigmoid: (v) => 1 / (1 + Math.exp(-v)),
    leakyrelu: (v) => (v > 0 ? v : 0.3 * v),
  };
  for (const [name, f] of Object.entries(acts)) {
    it(`bias + ${name}`, () => {
      const a = values(m * k, 3);
      const b = values(k * n, 4);
      const bias = values(n, 5);
      const out = new Float32Array(m * n);
      nativeGemm(a, b, m, k, n, false, false, out, { bias, activation: name as NativeActivation, leakyreluAlpha: 0.3 });
      assertClose(out, ref(a, b, m, k, n, false, false, bias, f), name);
    });
  }

  it('rejects buffers shorter than their shapes, naming the sizes', () => {
    assert.throws(() => nativeGemm(new Float32Array(10), new Float32Array(16), 4, 4, 4, false, false, new Float32Array(16)), /input "a" has 10 values, \[4×4\] needs 16/);
  });
});

describe('wasm kernels on native kernels agree with cpu', () => {
  it('Conv2D: valid, strided same (asymmetric padding), dilated', async () => {
    await agreeNatively('conv valid', () => tf.conv2d(t([64, 13, 13, 32], 1) as tf.Tensor4D, t([3, 3, 32, 64], 2) as tf.Tensor4D, 1, 'valid'));
    await agreeNatively('conv s2 same', () => tf.conv2d(t([16, 24, 24, 8], 3) as tf.Tensor4D, t([4, 4, 8, 16], 4) as tf.Tensor4D, 2, 'same'));
    await agreeNatively('conv dilated', () => tf.conv2d(t([16, 20, 20, 8], 5) as tf.Tensor4D, t([3, 3, 8, 16], 6) as tf.Tensor4D, 1, 'same', 'NHWC', 2));
  });

  it('FusedConv2D with bias and relu / elu / leakyrelu', async () => {
    for (const activation of ['relu', 'elu', 'leakyrelu'] as const) {
      await agreeNatively(`fused conv ${activation}`, () => tf.fused.conv2d({ x: t([32, 14, 14, 16], 7) as tf.Tensor4D, filter: t([3, 3, 16, 32], 8) as tf.Tensor4D, strides: 1, pad: 'same', bias: t([32], 9), activation, leakyreluAlpha: 0.1 }));
    }
  });

  it("Conv2DBackpropFilter: 'same' stride 1, 'valid' stride 2 with unused input rows, the S1 first layer", async () => {
    await agreeNatively('dW same', () => run('Conv2DBackpropFilter', { x: t([32, 14, 14, 32], 10), dy: t([32, 14, 14, 64], 11) }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 32, 64] }));
    await agreeNatively('dW s2 valid', () => run('Conv2DBackpropFilter', { x: t([16, 25, 25, 8], 12), dy: t([16, 11, 11, 32], 13) }, { strides: 2, pad: 'valid', dataFormat: 'NHWC', filterShape: [4, 4, 8, 32] }));
    await agreeNatively('dW S1 conv1', () => run('Conv2DBackpropFilter', { x: t([8, 104, 104, 1], 14), dy: t([8, 48, 48, 16], 15) }, { strides: 2, pad: 'valid', dataFormat: 'NHWC', filterShape: [10, 10, 1, 16] }));
  });

  it('Conv2DBackpropInput: stride 1, stride 2 same, the S1 first layer (k10 s2)', async () => {
    await agreeNatively('dx s1', () => run('Conv2DBackpropInput', { dy: t([32, 11, 11, 64], 16), filter: t([3, 3, 32, 64], 17) }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', inputShape: [32, 13, 13, 32] }));
    await agreeNatively('dx s2 same', () => run('Conv2DBackpropInput', { dy: t([16, 12, 12, 32], 18), filter: t([4, 4, 16, 32], 19) }, { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: [16, 24, 24, 16] }));
    await agreeNatively('dx s2 valid, unused rows', () => run('Conv2DBackpropInput', { dy: t([16, 11, 11, 32], 20), filter: t([4, 4, 8, 32], 21) }, { strides: 2, pad: 'valid', dataFormat: 'NHWC', inputShape: [16, 25, 25, 8] }));
    await agreeNatively('dx S1 conv1', () => run('Conv2DBackpropInput', { dy: t([8, 48, 48, 16], 22), filter: t([10, 10, 1, 16], 23) }, { strides: 2, pad: 'valid', dataFormat: 'NHWC', inputShape: [8, 104, 104, 1] }));
  });

  it('_FusedMatMul with bias and an activation, transposed operands', async () => {
    await agreeNatively('dense relu', () => tf.fused.matMul({ a: t([128, 300], 8) as tf.Tensor2D, b: t([300, 64], 9) as tf.Tensor2D, bias: t([64], 10), activation: 'relu' }));
    await agreeNatively('dense ᵀ sigmoid', () => tf.fused.matMul({ a: t([300, 128], 11) as tf.Tensor2D, b: t([64, 300], 12) as tf.Tensor2D, transposeA: true, transposeB: true, bias: t([64], 13), activation: 'sigmoid' }));
  });

  it('BatchMatMul: transposes and a batched a folded into rows', async () => {
    await agreeNatively('aᵀ·b', () => tf.matMul(t([300, 128], 14), t([300, 64], 15), true, false));
    await agreeNatively('a·bᵀ', () => tf.matMul(t([128, 300], 16), t([64, 300], 17), false, true));
    await agreeNatively('batched a', () => tf.matMul(t([4, 64, 100], 18), t([100, 48], 19)));
  });

  it('gradients of a conv → dense network (tf.grads) agree', async () => {
    await agreeNatively('grads', () =>
      tf.grads((x: tf.Tensor, w: tf.Tensor, v: tf.Tensor) => {
        const h = tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: 1, pad: 'same', activation: 'relu' });
        return tf.fused.matMul({ a: h.reshape([32, -1]) as tf.Tensor2D, b: v as tf.Tensor2D, activation: 'sigmoid' }).square().sum();
      })([t([32, 12, 12, 16], 24), t([3, 3, 16, 32], 25), t([12 * 12 * 32, 40], 26)]),
    );
  });

  it('fall back to wasm kernels, still agreeing with cpu, when native kernels are off', async () => {
    disableNative('turned off by the test');
    const before = nativeStats().calls;
    await agree('conv, native off', () => tf.fused.conv2d({ x: t([32, 14, 14, 16], 27) as tf.Tensor4D, filter: t([3, 3, 16, 32], 28) as tf.Tensor4D, strides: 1, pad: 'same', bias: t([32], 29), activation: 'relu' }));
    await agree('matmul, native off', () => tf.matMul(t([300, 128], 30), t([300, 64], 31), true, false));
    assert.equal(nativeStats().calls, before);
    assert.match(nativeUnavailable() ?? '', /turned off by the test/);
    resetNative();
    assert.equal(nativeUnavailable(), null);
  });
});
