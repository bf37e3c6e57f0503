/**
 * The kernels and gradients onnxline adds to make BatchNormalization training fast on wasm
 * (Tile, Mean, zero-copy Identity/Cast, the fused FusedBatchNorm gradient, the tiled Mean
 * gradient), checked numerically against tfjs-backend-cpu — forward and through tf.grad — and
 * the replaced gradients against tfjs-core's originals. Tolerance: max |wasm - cpu| ≤ 1e-4 ·
 * max(1, max |cpu|).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels, unregisterWasmTrainingKernels } from '../../pipeline/kernels/register-wasm.ts';
import { agree, assertClose, on, size, values } from './compare.ts';
import { BATCH_NORM_GRAD_KERNEL, originalBatchNormGradient, unregisterFusedBatchNormGradient, registerFusedBatchNormGradient } from '../../pipeline/kernels/wasm/FusedBatchNormGrad.ts';
import { originalMeanGradient, registerMeanGradient, unregisterMeanGradient } from '../../pipeline/kernels/wasm/MeanGrad.ts';


const t = (shape: number[], seed: number, lo = 0) => tf.tensor(values(size(shape), seed).map((v) => v + lo), shape);




/** Kernel names a computation runs on wasm. */
async function kernelsOf(fn: () => tf.Tensor | tf.Tensor[]): Promise<Set<string>> {
  await tf.setBackend('wasm');
  const info = await tf.profile(() => fn());
  tf.dispose(info.result as tf.Tensor | tf.Tensor[]);
  return new Set(info.kernels.map((k) => k.name));
}

before(async () => {
  await tf.setBackend('wasm');
  registerWasmTrainingKernels();
});

describe('registry (BatchNormalization kernels)', () => {
  it('replaces Tile, Mean, Identity and Cast, adds the fused gradient kernel, swaps the gradients and restores them', () => {
    const names = registerWasmTrainingKernels();
    for (const k of ['Tile', 'Mean', 'Identity', 'Cast', BATCH_NORM_GRAD_KERNEL]) assert.ok(names.includes(k), `${k} not registered`);
    const ourBn = tf.getGradient('FusedBatchNorm');
    const ourMean = tf.getGradient('Mean');
    assert.notEqual(ourBn, originalBatchNormGradient());
    assert.notEqual(ourMean, originalMeanGradient());
    unregisterWasmTrainingKernels();
    assert.equal(tf.getGradient('FusedBatchNorm'), originalBatchNormGradient());
    assert.equal(tf.getGradient('Mean'), originalMeanGradient());
    assert.equal(tf.getKernel(BATCH_NORM_GRAD_KERNEL, 'wasm'), undefined);
    registerWasmTrainingKernels();
    assert.equal(tf.getGradient('FusedBatchNorm'), ourBn);
    assert.equal(tf.getGradient('Mean'), ourMean);
  });
});

describe('Tile (accelerated)', () => {
  const cases: { x: number[]; reps: number[]; dtype?: 'float32' | 'int32' | 'bool' }[] = [
    { x: [1, 1, 1, 4], reps: [3, 5, 2, 1] }, // the BatchNorm gradient's shape
    { x: [1, 1, 1, 32], reps: [16, 9, 9, 1] },
    { x: [2, 3], reps: [2, 2] },
    { x: [3], reps: [4] },
    { x: [5], reps: [1] },
    { x: [2, 1, 3], reps: [1, 4, 2] },
    { x: [2, 3, 4], reps: [3, 1, 1] },
    { x: [1, 2, 1, 3], reps: [2, 1, 3, 2] },
    { x: [2, 3], reps: [2, 0] }, // empty output
    { x: [2, 3], reps: [3, 2], dtype: 'int32' },
    { x: [2, 2], reps: [2, 3], dtype: 'bool' },
  ];
  for (const c of cases) {
    it(`x ${c.x} reps ${c.reps}${c.dtype ? ` ${c.dtype}` : ''}`, async () => {
      await agree('tile', () => {
        const raw = values(size(c.x), 3);
        const x =
          c.dtype === 'int32' ? tf.tensor(Int32Array.from(raw, (v) => Math.round(v * 100)), c.x, 'int32') : c.dtype === 'bool' ? tf.tensor(Uint8Array.from(raw, (v) => (v > 0 ? 1 : 0)), c.x, 'bool') : tf.tensor(raw, c.x);
        return tf.tile(x, c.reps).cast('float32');
      });
    });
  }

  it('gradient (tf.grad)', async () => {
    await agree('tile grad', () => tf.grad((x: tf.Tensor) => tf.tile(x, [2, 1, 3]).mul(t([4, 3, 6], 5)).sum())(t([2, 3, 2], 4)));
  });
});

describe('Mean (accelerated)', () => {
  const cases: { x: number[]; axis: number | number[]; keepDims?: boolean }[] = [
    { x: [16, 9, 9, 8], axis: [0, 1, 2] },
    { x: [16, 9, 9, 8], axis: [0, 1, 2], keepDims: true },
    { x: [8, 5, 5, 7], axis: [0, 1, 2] }, // C not a multiple of 8
    { x: [32, 10], axis: 0 },
    { x: [5, 6, 7], axis: [1, 0] },
    { x: [5, 6, 7], axis: 2 }, // innermost: original kernel
    { x: [5, 6, 7], axis: [0, 2] }, // not a prefix: original kernel
    { x: [5, 6, 7], axis: [0, 1, 2] }, // full reduction: original kernel
  ];
  for (const c of cases) {
    it(`x ${c.x} axis ${c.axis}${c.keepDims ? ' keepDims' : ''}`, async () => {
      await agree('mean', () => t(c.x, 6).mean(c.axis, c.keepDims));
      await tf.setBackend('wasm');
      const shape = tf.tidy(() => tf.ones(c.x).mean(c.axis, c.keepDims).shape);
      await tf.setBackend('cpu');
      assert.deepEqual(shape, tf.tidy(() => tf.ones(c.x).mean(c.axis, c.keepDims).shape));
    });
    it(`gradient: x ${c.x} axis ${c.axis}${c.keepDims ? ' keepDims' : ''}`, async () => {
      const fn = () => tf.grad((x: tf.Tensor) => x.mean(c.axis, c.keepDims).square().sum())(t(c.x, 7));
      const ours = await agree('mean grad', fn);
      // bit-for-bit tfjs-core's gradient on the same backend
      unregisterMeanGradient();
      try {
        const [theirs] = await on('wasm', fn);
        assert.deepEqual(ours[0], theirs);
      } finally {
        registerMeanGradient();
      }
    });
  }

  it('int32 mean (original kernel) and int32 moments', async () => {
    await agree('int mean', () => tf.tensor([[1, 2], [3, 5]], [2, 2], 'int32').mean(0).cast('float32'));
  });
});

describe('Identity and Cast (zero-copy)', () => {
  it('share data, and survive disposing the source', async () => {
    await tf.setBackend('wasm');
    const x = t([3, 4], 8);
    const expected = x.dataSync().slice();
    const y = tf.clone(x);
    const z = tf.cast(x, 'float32');
    x.dispose();
    assert.deepEqual(y.dataSync(), expected);
    y.dispose();
    assert.deepEqual(z.dataSync(), expected);
    z.dispose();
  });

  it('dtype-changing casts still convert', async () => {
    await agree('casts', () => {
      const f = tf.tensor([-2.7, -0.5, 0, 0.4, 1.9, 3]);
      return [f.cast('int32').cast('float32'), f.cast('bool').cast('float32'), tf.tensor([1, 0, 2], [3], 'int32').cast('float32'), tf.tensor([true, false], [2], 'bool').cast('int32').cast('float32')];
    });
  });

  it('variables assigned from a clone keep their own values', async () => {
    await tf.setBackend('wasm');
    const v = tf.variable(tf.tensor([1, 2, 3]));
    const snapshot = tf.clone(v);
    v.assign(tf.tensor([7, 8, 9]));
    assert.deepEqual(Array.from(snapshot.dataSync()), [1, 2, 3]);
    assert.deepEqual(Array.from(v.dataSync()), [7, 8, 9]);
    tf.dispose([v, snapshot]);
  });
});

interface BnCase {
  x: number[];
  /** shape of mean/variance/offset/scale; [C] takes the fused path, others tfjs-core's */
  p: number[];
}
const bnCases: BnCase[] = [
  { x: [3, 5, 4, 8], p: [8] },
  { x: [2, 4, 3, 6], p: [6] }, // C not a multiple of 4
  { x: [7, 5], p: [5] },
  { x: [3, 4, 6], p: [6] },
  { x: [300, 3], p: [3] }, // more rows than one chunk
  { x: [2, 3, 3, 4], p: [2, 3, 3, 4] }, // full-shaped parameters: tfjs-core's gradient
];
// (tfjs-core 4.22 cannot differentiate batchNorm without offset or scale, nor with [1, 1, 1, C]
// moments, on any backend: its tape or its gradient throws, so those are not cases here.)
const bnLabel = (c: BnCase) => `x ${c.x} params ${c.p}`;

function bnGrads(c: BnCase): () => tf.Tensor[] {
  return () => {
    const x = t(c.x, 11);
    const mean = t(c.p, 12);
    const variance = t(c.p, 13, 1.5); // positive
    const offset = t(c.p, 14);
    const scale = t(c.p, 15, 0.5);
    const w = t(c.x, 16);
    const f = (xx: tf.Tensor, m: tf.Tensor, v: tf.Tensor, off: tf.Tensor, sc: tf.Tensor) => tf.batchNorm(xx, m, v, off, sc, 1e-3).mul(w).sum();
    return tf.grads(f as (...a: tf.Tensor[]) => tf.Tensor)([x, mean, variance, offset, scale]);
  };
}

describe('FusedBatchNorm gradient (fused on wasm)', () => {
  for (const c of bnCases) {
    it(`d x, mean, variance, offset, scale: ${bnLabel(c)}`, async () => {
      const ours = await agree(bnLabel(c), bnGrads(c));
      // the same as tfjs-core's own gradient on wasm
      unregisterFusedBatchNormGradient();
      let theirs: Float32Array[];
      try {
        theirs = await on('wasm', bnGrads(c));
      } finally {
        registerFusedBatchNormGradient();
      }
      theirs.forEach((g, i) => assertClose(ours[i]!, g, `${bnLabel(c)} vs tfjs-core [${i}]`));
      const fused = (await kernelsOf(bnGrads(c))).has(BATCH_NORM_GRAD_KERNEL);
      assert.equal(fused, c.p.length === 1, `fused path ${fused ? 'taken' : 'not taken'}`);
    });
  }

  it('through training-mode moments (tfjs-layers BatchNormalization): d x, gamma, beta', async () => {
    await agree('bn training', () => {
      const x = t([4, 6, 6, 8], 21);
      const w = t([4, 6, 6, 8], 22);
      const f = (xx: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => {
        const { mean, variance } = tf.moments(xx, [0, 1, 2]);
        return tf.batchNorm(xx, mean, variance, beta, gamma, 1e-3).mul(w).sum();
      };
      return tf.grads(f as (...a: tf.Tensor[]) => tf.Tensor)([x, t([8], 23, 1), t([8], 24)]);
    });
  });

  it('cpu keeps tfjs-core gradient (no fused kernel there)', async () => {
    await tf.setBackend('cpu');
    const info = await tf.profile(() => bnGrads(bnCases[0]!)());
    tf.dispose(info.result as tf.Tensor[]);
    assert.ok(!info.kernels.some((k) => k.name === BATCH_NORM_GRAD_KERNEL));
    assert.ok(info.kernels.some((k) => k.name === 'Tile'));
  });

  it('does not leak tensors', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    tf.dispose(tf.tidy(bnGrads(bnCases[0]!)));
    assert.equal(tf.memory().numTensors, before);
  });
});
