/**
 * Every kernel onnxline registers into tfjs's wasm backend, checked numerically against
 * tfjs-backend-cpu on the same inputs: the kernel itself (via runKernel) and, where it is one,
 * the gradient tfjs builds from it (tf.grad). Tolerance: max |wasm - cpu| ≤ 1e-4 · max(1, max |cpu|).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels, unregisterWasmTrainingKernels } from '../../pipeline/kernels/register-wasm.ts';
import { agree, assertClose, on, size, values } from './compare.ts';
import { originalKernel } from '../../pipeline/kernels/wasm/util.ts';

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];






const t4 = (shape: number[], seed: number) => tf.tensor4d(values(size(shape), seed), shape as [number, number, number, number]);
const run = (name: string, inputs: tf.NamedTensorMap, attrs: object) => tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;

before(async () => {
  await tf.setBackend('wasm');
  registerWasmTrainingKernels();
});

describe('registry', () => {
  it('registers the missing and accelerated kernels, idempotently', () => {
    const first = registerWasmTrainingKernels();
    const second = registerWasmTrainingKernels();
    assert.deepEqual(second, first);
    for (const k of ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'UnsortedSegmentSum', 'Conv2DBackpropInput', 'BatchMatMul', 'MaxPoolGrad', 'Sum', 'Mean', 'Tile', 'Identity', 'Cast']) {
      assert.ok(first.includes(k), `${k} not registered`);
      assert.ok(tf.getKernel(k, 'wasm'), `${k} missing from the wasm registry`);
    }
  });

  it('leaves a kernel wasm already has alone, and unregister restores the originals', () => {
    const ourBmm = tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc;
    unregisterWasmTrainingKernels();
    assert.equal(tf.getKernel('Conv2DBackpropFilter', 'wasm'), undefined);
    assert.equal(tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc, originalKernel('BatchMatMul'));
    assert.notEqual(tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc, ourBmm);
    // A "future tfjs" that ships its own UnsortedSegmentSum must win.
    const theirs: tf.KernelFunc = () => {
      throw new Error('theirs');
    };
    tf.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName: 'wasm', kernelFunc: theirs });
    const names = registerWasmTrainingKernels();
    assert.ok(!names.includes('UnsortedSegmentSum'));
    assert.equal(tf.getKernel('UnsortedSegmentSum', 'wasm')!.kernelFunc, theirs);
    unregisterWasmTrainingKernels();
    tf.unregisterKernel('UnsortedSegmentSum', 'wasm');
    assert.ok(registerWasmTrainingKernels().includes('UnsortedSegmentSum'));
  });

  it('accelerate:false registers only the missing kernels', () => {
    unregisterWasmTrainingKernels();
    const names = registerWasmTrainingKernels({ accelerate: false });
    assert.deepEqual([...names].sort(), ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'UnsortedSegmentSum']);
    assert.equal(tf.getKernel('Sum', 'wasm')!.kernelFunc, originalKernel('Sum'));
    unregisterWasmTrainingKernels();
    registerWasmTrainingKernels();
  });
});

interface ConvCase {
  x: number[];
  f: number[];
  strides: number | [number, number];
  pad: Pad;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}
const convCases: ConvCase[] = [
  { x: [2, 7, 7, 3], f: [3, 3, 3, 4], strides: 1, pad: 'valid' },
  { x: [2, 7, 7, 3], f: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { x: [3, 9, 8, 2], f: [3, 2, 2, 5], strides: 2, pad: 'same' },
  { x: [3, 9, 8, 2], f: [3, 3, 2, 5], strides: [2, 1], pad: 'valid' },
  { x: [2, 10, 11, 4], f: [5, 5, 4, 3], strides: 3, pad: 'same' },
  { x: [1, 6, 9, 1], f: [2, 4, 1, 6], strides: [1, 2], pad: [[0, 0], [1, 2], [0, 3], [0, 0]] },
  { x: [2, 8, 8, 3], f: [3, 3, 3, 2], strides: 2, pad: 1, dimRoundingMode: 'floor' },
  { x: [4, 5, 5, 6], f: [1, 1, 6, 7], strides: 1, pad: 'valid' },
  { x: [2, 4, 4, 2], f: [2, 2, 2, 3], strides: 1, pad: [[0, 0], [3, 3], [2, 4], [0, 0]] }, // pad > filter-1: col2im path
  // stride 1 'same': im2colT's block-copy path
  { x: [2, 6, 5, 3], f: [2, 4, 3, 2], strides: 1, pad: 'same' },
  { x: [3, 5, 5, 2], f: [1, 1, 2, 3], strides: 1, pad: 'same' },
  { x: [1, 3, 4, 2], f: [5, 5, 2, 2], strides: 1, pad: 'same' }, // filter larger than the image
  { x: [4, 7, 7, 1], f: [3, 3, 1, 4], strides: 1, pad: 'same' },
];
const label = (c: ConvCase) => `x ${c.x} f ${c.f} s ${c.strides} pad ${JSON.stringify(c.pad)}${c.dimRoundingMode ? ` ${c.dimRoundingMode}` : ''}`;

function convOut(c: ConvCase): number[] {
  return tf.backend_util.computeConv2DInfo(c.x as [number, number, number, number], c.f as [number, number, number, number], c.strides, 1, c.pad, c.dimRoundingMode, false, 'channelsLast').outShape;
}

describe('Conv2DBackpropFilter', () => {
  for (const c of convCases) {
    it(`kernel: ${label(c)}`, async () => {
      const dyShape = convOut(c);
      await agree(label(c), () => run('Conv2DBackpropFilter', { x: t4(c.x, 1), dy: t4(dyShape, 2) }, { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: c.dimRoundingMode, filterShape: c.f }));
    });
  }

  it('kernel: NCHW data format', async () => {
    const x = [2, 3, 7, 6];
    const dy = [2, 4, 4, 3];
    await agree('NCHW', () => run('Conv2DBackpropFilter', { x: t4(x, 3), dy: t4(dy, 4) }, { strides: 2, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 3, 4] }));
  });

  it('kernel: batch 128 MNIST layers (28×28×1→32 and 13×13×32→64, k3)', async () => {
    await agree('mnist conv1', () => run('Conv2DBackpropFilter', { x: t4([128, 28, 28, 1], 5), dy: t4([128, 26, 26, 32], 6) }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 1, 32] }));
    await agree('mnist conv2', () => run('Conv2DBackpropFilter', { x: t4([16, 13, 13, 32], 7), dy: t4([16, 11, 11, 64], 8) }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 32, 64] }));
  });

  it("kernel: the digits CNN's 'same' layers (28×28×1→32 at batch 128, 14×14×32→64)", async () => {
    await agree('digits conv1', () => run('Conv2DBackpropFilter', { x: t4([128, 28, 28, 1], 9), dy: t4([128, 28, 28, 32], 10) }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 1, 32] }));
    await agree('digits conv2', () => run('Conv2DBackpropFilter', { x: t4([16, 14, 14, 32], 11), dy: t4([16, 14, 14, 64], 12) }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 32, 64] }));
  });

  it('is not the zero function', async () => {
    const [dw] = await on('wasm', () => run('Conv2DBackpropFilter', { x: t4([1, 3, 3, 1], 1), dy: tf.ones([1, 1, 1, 1]) }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 1, 1] }));
    // with dy = 1 at the single output, dW is exactly the input patch
    assertClose(dw, values(9, 1), 'dW = x patch');
  });
});

describe('Conv2DBackpropInput (accelerated)', () => {
  for (const c of convCases) {
    it(`kernel: ${label(c)}`, async () => {
      const dyShape = convOut(c);
      await agree(label(c), () => run('Conv2DBackpropInput', { dy: t4(dyShape, 11), filter: t4(c.f, 12) }, { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: c.dimRoundingMode, inputShape: c.x }));
    });
  }
});

describe('conv2d gradients (tf.grad)', () => {
  for (const c of convCases.filter((cc) => typeof cc.pad === 'string')) {
    it(`dx and dW: ${label(c)}`, async () => {
      const dyShape = convOut(c);
      await agree(`grad ${label(c)}`, () => {
        const w = t4(dyShape, 21);
        const f = (x: tf.Tensor4D, k: tf.Tensor4D) => tf.conv2d(x, k, c.strides, c.pad as 'same' | 'valid').mul(w).sum();
        const [dx, dk] = tf.grads(f as (...a: tf.Tensor[]) => tf.Tensor)([t4(c.x, 22), t4(c.f, 23)]);
        return [dx, dk];
      });
    });
  }

  it('conv1d and conv2dTranspose gradients', async () => {
    await agree('conv1d', () => {
      const x = tf.tensor3d(values(2 * 9 * 3, 31), [2, 9, 3]);
      const k = tf.tensor3d(values(3 * 3 * 4, 32), [3, 3, 4]);
      return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv1d(a as tf.Tensor3D, b as tf.Tensor3D, 2, 'same').square().sum())([x, k]);
    });
    await agree('conv2dTranspose', () => {
      const x = t4([2, 4, 5, 3], 33);
      const k = t4([3, 3, 2, 3], 34);
      return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, [2, 8, 10, 2], 2, 'same').square().sum())([x, k]);
    });
  });
});

/** The filter a dilated depthwise conv is equivalent to: taps spread d apart, zeros between. */
function dilateFilter(f: Float32Array, shape: number[], dh: number, dw: number): { data: Float32Array; shape: number[] } {
  const [KH, KW, C, M] = shape as [number, number, number, number];
  const EH = (KH - 1) * dh + 1;
  const EW = (KW - 1) * dw + 1;
  const out = new Float32Array(EH * EW * C * M);
  for (let kh = 0; kh < KH; kh++) for (let kw = 0; kw < KW; kw++) for (let i = 0; i < C * M; i++) out[((kh * dh * EW) + kw * dw) * C * M + i] = f[(kh * KW + kw) * C * M + i];
  return { data: out, shape: [EH, EW, C, M] };
}

interface DwCase {
  x: number[];
  f: number[];
  strides: number;
  dilations: number;
  pad: Pad;
}
const dwCases: DwCase[] = [
  { x: [2, 7, 7, 3], f: [3, 3, 3, 1], strides: 1, dilations: 1, pad: 'same' },
  { x: [2, 7, 6, 3], f: [3, 3, 3, 2], strides: 2, dilations: 1, pad: 'valid' },
  { x: [3, 9, 9, 2], f: [3, 2, 2, 3], strides: 2, dilations: 1, pad: 'same' },
  { x: [2, 9, 8, 2], f: [3, 3, 2, 2], strides: 1, dilations: 2, pad: 'same' },
  { x: [2, 9, 10, 3], f: [2, 3, 3, 1], strides: 1, dilations: 2, pad: 'valid' },
  { x: [1, 6, 6, 4], f: [3, 3, 4, 1], strides: 1, dilations: 1, pad: [[0, 0], [1, 0], [2, 1], [0, 0]] },
];
const dwLabel = (c: DwCase) => `x ${c.x} f ${c.f} s ${c.strides} d ${c.dilations} pad ${JSON.stringify(c.pad)}`;

describe('DepthwiseConv2dNative backprop', () => {
  for (const c of dwCases) {
    const info = tf.backend_util.computeConv2DInfo(c.x as [number, number, number, number], c.f as [number, number, number, number], c.strides, c.dilations, c.pad, undefined, true);
    const dyShape = info.outShape;
    it(`filter kernel: ${dwLabel(c)}`, async () => {
      // cpu reference: undilated kernel on the zero-dilated filter shape, sampled at the taps
      // (tfjs-cpu's own kernel ignores dilations).
      const d = c.dilations;
      const big = dilateFilter(new Float32Array(size(c.f)), c.f, d, d).shape;
      const [ref] = await on('cpu', () => run('DepthwiseConv2dNativeBackpropFilter', { x: t4(c.x, 41), dy: t4(dyShape, 42) }, { strides: c.strides, dilations: 1, pad: c.pad, filterShape: big }));
      const [KH, KW, C, M] = c.f as [number, number, number, number];
      const expected = new Float32Array(size(c.f));
      for (let kh = 0; kh < KH; kh++) for (let kw = 0; kw < KW; kw++) for (let i = 0; i < C * M; i++) expected[(kh * KW + kw) * C * M + i] = ref[(kh * d * big[1]! + kw * d) * C * M + i];
      const [got] = await on('wasm', () => run('DepthwiseConv2dNativeBackpropFilter', { x: t4(c.x, 41), dy: t4(dyShape, 42) }, { strides: c.strides, dilations: c.dilations, pad: c.pad, filterShape: c.f }));
      assertClose(got, expected, dwLabel(c));
    });
    it(`input kernel: ${dwLabel(c)}`, async () => {
      const f = values(size(c.f), 43);
      const big = dilateFilter(f, c.f, c.dilations, c.dilations);
      const [expected] = await on('cpu', () => run('DepthwiseConv2dNativeBackpropInput', { dy: t4(dyShape, 44), filter: tf.tensor4d(big.data, big.shape as [number, number, number, number]) }, { strides: c.strides, dilations: 1, pad: c.pad, inputShape: c.x }));
      const [got] = await on('wasm', () => run('DepthwiseConv2dNativeBackpropInput', { dy: t4(dyShape, 44), filter: tf.tensor4d(f, c.f as [number, number, number, number]) }, { strides: c.strides, dilations: c.dilations, pad: c.pad, inputShape: c.x }));
      assertClose(got, expected!, dwLabel(c));
    });
    if (c.dilations === 1 && typeof c.pad === 'string') {
      it(`gradients (tf.grad): ${dwLabel(c)}`, async () => {
        await agree(dwLabel(c), () =>
          tf.grads((x: tf.Tensor, k: tf.Tensor) => tf.depthwiseConv2d(x as tf.Tensor4D, k as tf.Tensor4D, c.strides, c.pad as 'same').mul(t4(dyShape, 45)).sum())([t4(c.x, 46), t4(c.f, 47)]),
        );
      });
    }
  }

  it('separableConv2d gradients', async () => {
    await agree('separable', () =>
      tf.grads((x: tf.Tensor, d: tf.Tensor, p: tf.Tensor) => tf.separableConv2d(x as tf.Tensor4D, d as tf.Tensor4D, p as tf.Tensor4D, 1, 'same').square().sum())([t4([2, 6, 6, 3], 51), t4([3, 3, 3, 2], 52), t4([1, 1, 6, 4], 53)]),
    );
  });
});

describe('UnsortedSegmentSum', () => {
  const cases: { x: number[]; ids: number[]; idsShape: number[]; n: number; dtype: 'float32' | 'int32' }[] = [
    { x: [6], ids: [0, 2, 0, 1, 2, 2], idsShape: [6], n: 3, dtype: 'float32' },
    { x: [5, 4], ids: [3, 0, 3, 1, 0], idsShape: [5], n: 5, dtype: 'float32' },
    { x: [2, 3, 4], ids: [1, 1, 0, 2, 1, 0], idsShape: [2, 3], n: 3, dtype: 'float32' },
    { x: [4, 3], ids: [0, -1, 7, 1], idsShape: [4], n: 2, dtype: 'float32' }, // out-of-range ids dropped
    { x: [5, 2], ids: [1, 1, 0, 1, 0], idsShape: [5], n: 2, dtype: 'int32' },
  ];
  for (const c of cases) {
    it(`x ${c.x} ids ${c.ids} n ${c.n} ${c.dtype}`, async () => {
      const rest = c.x.slice(c.idsShape.length);
      const make = (flat: boolean) => () => {
        const raw = values(size(c.x), 61);
        const shape = flat ? [c.ids.length, ...rest] : c.x;
        const x = c.dtype === 'int32' ? tf.tensor(Int32Array.from(raw, (v) => Math.round(v * 10)), shape, 'int32') : tf.tensor(raw, shape);
        const ids: tf.Tensor = tf.tensor(c.ids, flat ? [c.ids.length] : c.idsShape, 'int32');
        return tf.unsortedSegmentSum(x, ids as tf.Tensor1D, c.n).cast('float32');
      };
      // tfjs-cpu only handles 1-D segment ids: its reference runs on the flattened equivalent.
      const [expected] = await on('cpu', make(true));
      const [got] = await on('wasm', make(false));
      assertClose(got!, expected!, `segsum ${c.x}`);
      assert.equal(got!.length, c.n * size(rest));
    });
  }

  it('gather gradient (the Embedding path)', async () => {
    await agree('gather grad', () => {
      const table = tf.tensor2d(values(10 * 4, 62), [10, 4]);
      const idx = tf.tensor2d([1, 3, 3, 9, 0, 1], [2, 3], 'int32');
      return tf.grad((t: tf.Tensor) => tf.gather(t, idx).mul(tf.tensor3d(values(24, 63), [2, 3, 4])).sum())(table);
    });
  });
});

describe('BatchMatMul (accelerated)', () => {
  const cases: { a: number[]; b: number[]; ta: boolean; tb: boolean }[] = [
    { a: [7, 5], b: [5, 3], ta: false, tb: false },
    { a: [5, 7], b: [5, 3], ta: true, tb: false },
    { a: [7, 5], b: [3, 5], ta: false, tb: true },
    { a: [5, 7], b: [3, 5], ta: true, tb: true },
    { a: [4, 6, 5], b: [5, 3], ta: false, tb: false },
    { a: [4, 6, 5], b: [3, 5], ta: false, tb: true },
    { a: [2, 3, 6, 5], b: [1, 5, 3], ta: false, tb: false },
    { a: [1, 5, 6], b: [1, 3, 5], ta: true, tb: true },
    { a: [3, 5, 6], b: [3, 5, 4], ta: true, tb: false }, // both batched: original kernel
    { a: [130, 64], b: [130, 40], ta: true, tb: false },
  ];
  for (const c of cases) {
    it(`a ${c.a}${c.ta ? 'ᵀ' : ''} · b ${c.b}${c.tb ? 'ᵀ' : ''}`, async () => {
      await agree('matmul', () => tf.matMul(tf.tensor(values(size(c.a), 71), c.a), tf.tensor(values(size(c.b), 72), c.b), c.ta, c.tb));
    });
  }

  it('dense layer gradients', async () => {
    await agree('dense grads', () =>
      tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.relu(tf.matMul(x, w)).square().sum())([tf.tensor2d(values(32 * 20, 73), [32, 20]), tf.tensor2d(values(20 * 12, 74), [20, 12])]),
    );
  });
});

describe('MaxPoolGrad (accelerated)', () => {
  const cases: { x: number[]; f: number | [number, number]; s: number | [number, number]; pad: Pad; shift?: number }[] = [
    { x: [2, 8, 8, 3], f: 2, s: 2, pad: 'valid' },
    { x: [2, 9, 7, 3], f: 2, s: 2, pad: 'valid' },
    { x: [2, 9, 7, 3], f: 3, s: 2, pad: 'same' },
    { x: [1, 6, 6, 2], f: 3, s: 1, pad: 'same' },
    { x: [2, 7, 8, 4], f: [2, 3], s: [1, 2], pad: 'valid' },
    { x: [2, 6, 6, 3], f: 2, s: 2, pad: 'valid', shift: -3 }, // all-negative windows
  ];
  for (const c of cases) {
    const what = `x ${c.x} f ${c.f} s ${c.s} ${c.pad}${c.shift ? ' negative' : ''}`;
    it(what, async () => {
      await agree(what, () => {
        const x = t4(c.x, 81).add(c.shift ?? 0) as tf.Tensor4D;
        return tf.grad((t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, c.f, c.s, c.pad as 'same').mul(tf.randomUniform(tf.maxPool(x, c.f, c.s, c.pad as 'same').shape, -1, 1, 'float32', 9)).sum())(x);
      });
    });
  }

  it('NaN and -Infinity are never the maximum, as on cpu', async () => {
    await agree('nan', () => {
      const v = values(2 * 4 * 4, 82);
      v[0] = NaN;
      v[2] = -Infinity;
      v[3] = -Infinity;
      v[10] = -Infinity;
      v[11] = -Infinity;
      v[18] = NaN;
      v[19] = NaN;
      return tf.grad((t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid').mul(tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2])).sum())(tf.tensor4d(v, [1, 4, 4, 2]));
    });
  });

  it('ties go to the first maximum, as on cpu', async () => {
    await agree('ties', () => tf.grad((t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid').sum())(tf.zeros([1, 4, 4, 2])));
  });

  it("wasm's own MaxPoolGrad drops gradients of all-negative windows (why it is replaced)", async () => {
    await tf.setBackend('wasm');
    const x = tf.fill([1, 2, 2, 1], -1).add(tf.tensor4d([0, 0.5, 0, 0], [1, 2, 2, 1]));
    const y = tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid');
    const inputs = { dy: tf.ones([1, 1, 1, 1]), input: x, output: y };
    const attrs = { filterSize: 2, strides: 2, pad: 'valid' };
    const theirs = tf.engine().runKernel('MaxPoolGrad', inputs, attrs) as tf.Tensor;
    // call the saved original directly
    const orig = originalKernel('MaxPoolGrad')!;
    const backend = tf.backend();
    const info = orig({ inputs: { dy: inputs.dy, input: x, output: y }, backend, attrs }) as tf.TensorInfo;
    const origVals = Array.from(backend.readSync(info.dataId) as Float32Array);
    assert.deepEqual(Array.from(theirs.dataSync()), [0, 1, 0, 0]);
    assert.notDeepEqual(origVals, [0, 1, 0, 0]);
    backend.disposeData(info.dataId);
    tf.dispose([x, y, theirs, inputs.dy]);
  });
});

describe('Sum (accelerated)', () => {
  const cases: { x: number[]; axis: number | number[]; keepDims?: boolean }[] = [
    { x: [16, 9, 9, 8], axis: [0, 1, 2] },
    { x: [16, 9, 9, 8], axis: [0, 1, 2], keepDims: true },
    { x: [32, 10], axis: 0 },
    { x: [32, 10], axis: -2 },
    { x: [5, 6, 7], axis: [1, 0] },
    { x: [700, 13], axis: 0 }, // several row chunks, C not a multiple of 8
    { x: [5, 6, 7], axis: 2 }, // innermost: original kernel
    { x: [5, 6, 7], axis: [0, 2] }, // not a prefix: original kernel
    { x: [5, 6, 7], axis: [0, 1, 2] }, // full reduction: original kernel
  ];
  for (const c of cases) {
    it(`x ${c.x} axis ${c.axis}${c.keepDims ? ' keepDims' : ''}`, async () => {
      await agree('sum', () => tf.tensor(values(size(c.x), 91), c.x).sum(c.axis, c.keepDims));
      await tf.setBackend('wasm');
      const shape = tf.tidy(() => tf.ones(c.x).sum(c.axis, c.keepDims).shape);
      await tf.setBackend('cpu');
      assert.deepEqual(shape, tf.tidy(() => tf.ones(c.x).sum(c.axis, c.keepDims).shape));
    });
  }

  it('bias gradients of conv2d + bias', async () => {
    await agree('bias grad', () => tf.grad((b: tf.Tensor) => tf.conv2d(t4([4, 6, 6, 2], 92), t4([3, 3, 2, 5], 93), 1, 'same').add(b).square().sum())(tf.tensor1d(values(5, 94))));
  });
});
