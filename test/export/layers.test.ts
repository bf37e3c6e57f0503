/**
 * The layer matrix: one parity test per layer/option (tfjs cpu vs onnxruntime-node, optimizations
 * on), graph-shape assertions where layout or folding matters, and one final onnx.checker run
 * over every exported file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { assertCheckerAccepts, exportAndCompare, randomWeights, runExported, savedModelPaths, useCpuBackend } from './harness.ts';
import type { CompareOptions, CompareResult } from './harness.ts';

type Layer = tfl.layers.Layer;
type ST = tfl.SymbolicTensor;

/** A functional model applying `layers` in sequence to one input of `shape`. */
function chain(shape: number[], ...layers: Layer[]): tfl.LayersModel {
  const input = tfl.input({ shape });
  let x: ST = input;
  for (const l of layers) x = l.apply(x) as ST;
  return tfl.model({ inputs: input, outputs: x });
}

function ops(r: CompareResult, op: string): number {
  return r.result.graph.nodes.filter((n) => n.opType === op).length;
}

interface Case {
  name: string;
  build: () => tfl.LayersModel;
  opts?: CompareOptions;
  check?: (r: CompareResult) => void;
}

const L = tfl.layers;
const conv = (extra: Record<string, unknown> = {}) => L.conv2d({ filters: 4, kernelSize: 3, ...extra });

const ACTIVATIONS = ['linear', 'relu', 'relu6', 'elu', 'selu', 'sigmoid', 'hardSigmoid', 'tanh', 'softmax', 'logSoftmax', 'softplus', 'softsign', 'swish', 'mish', 'gelu', 'gelu_new'];

const cases: Case[] = [
  // ---- Dense ----
  { name: 'Dense relu', build: () => chain([6], L.dense({ units: 4, activation: 'relu' })), check: (r) => assert.equal(ops(r, 'Gemm'), 1) },
  { name: 'Dense without bias', build: () => chain([6], L.dense({ units: 3, useBias: false })) },
  { name: 'Dense on 3-D input', build: () => chain([5, 6], L.dense({ units: 3, activation: 'tanh' })), check: (r) => assert.equal(ops(r, 'MatMul'), 1) },
  ...ACTIVATIONS.map(
    (a): Case => ({
      name: `Dense activation ${a}`,
      build: () => chain([6], L.dense({ units: 5, activation: a as 'relu' })),
      opts: { inputScale: 8 },
    }),
  ),
  // ---- Convolutions ----
  { name: 'Conv2D valid', build: () => chain([7, 7, 3], conv()) },
  { name: 'Conv2D same stride 2 odd size', build: () => chain([7, 7, 3], conv({ padding: 'same', strides: 2, activation: 'relu' })) },
  { name: 'Conv2D same dilation 2', build: () => chain([9, 9, 2], conv({ padding: 'same', dilationRate: 2 })) },
  { name: 'Conv2D rect kernel/stride, no bias, relu6', build: () => chain([8, 6, 2], conv({ kernelSize: [3, 1], strides: [2, 1], useBias: false, activation: 'relu6' })), opts: { inputScale: 10 } },
  { name: 'Conv2D same stride 2 even size (pad at end)', build: () => chain([8, 8, 2], conv({ kernelSize: 4, padding: 'same', strides: 2 })) },
  { name: 'Conv1D same stride 2', build: () => chain([9, 3], L.conv1d({ filters: 4, kernelSize: 3, padding: 'same', strides: 2 })) },
  { name: 'Conv1D valid dilation 2', build: () => chain([10, 3], L.conv1d({ filters: 2, kernelSize: 3, dilationRate: 2, activation: 'sigmoid' })) },
  { name: 'Conv3D valid', build: () => chain([4, 5, 5, 2], L.conv3d({ filters: 3, kernelSize: 2 })) },
  { name: 'DepthwiseConv2D mult 2 same stride 2', build: () => chain([7, 7, 3], L.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', strides: 2 })) },
  { name: 'DepthwiseConv2D valid no bias', build: () => chain([6, 6, 2], L.depthwiseConv2d({ kernelSize: 3, useBias: false, activation: 'relu' })) },
  { name: 'SeparableConv2D mult 2 same relu', build: () => chain([7, 7, 3], L.separableConv2d({ filters: 5, kernelSize: 3, depthMultiplier: 2, padding: 'same', activation: 'relu' })) },
  { name: 'SeparableConv2D valid stride 2', build: () => chain([8, 8, 2], L.separableConv2d({ filters: 3, kernelSize: 3, strides: 2 })) },
  { name: 'Conv2DTranspose same k3 s2', build: () => chain([4, 5, 3], L.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same' })) },
  { name: 'Conv2DTranspose valid k3 s2', build: () => chain([4, 5, 3], L.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2 })) },
  { name: 'Conv2DTranspose valid k2 s3 (k<s)', build: () => chain([3, 4, 2], L.conv2dTranspose({ filters: 2, kernelSize: 2, strides: 3 })) },
  { name: 'Conv2DTranspose same k2 s3, no bias', build: () => chain([3, 4, 2], L.conv2dTranspose({ filters: 2, kernelSize: 2, strides: 3, padding: 'same', useBias: false })) },
  { name: 'Conv2DTranspose same k4 s2 relu', build: () => chain([4, 4, 2], L.conv2dTranspose({ filters: 3, kernelSize: 4, strides: 2, padding: 'same', activation: 'relu' })) },
  {
    name: 'Conv2D same stride 2 on a free spatial size (SAME_UPPER)',
    build: () => chain([null, null, 3] as unknown as number[], conv({ padding: 'same', strides: 2 }), L.globalAveragePooling2d({})),
    opts: { freeDim: 7 },
    check: (r) => {
      const [b, h, w, c] = r.result.graph.inputs[0]!.shape;
      assert.ok(b === 'batch' && typeof h === 'string' && typeof w === 'string' && h !== w && c === 3, 'free spatial dims are distinct symbols');
    },
  },
  { name: 'Conv2D same dilation 2 on a free spatial size', build: () => chain([null, null, 2] as unknown as number[], conv({ padding: 'same', dilationRate: 2 }), L.globalMaxPooling2d({})), opts: { freeDim: 6 } },
  { name: 'Conv2DTranspose same rect kernel [3,2] strides [2,3]', build: () => chain([3, 4, 2], L.conv2dTranspose({ filters: 2, kernelSize: [3, 2], strides: [2, 3], padding: 'same' })) },
  { name: 'Conv2DTranspose valid rect kernel [2,5] strides [3,2]', build: () => chain([3, 4, 2], L.conv2dTranspose({ filters: 2, kernelSize: [2, 5], strides: [3, 2] })) },
  { name: 'SeparableConv2D same dilation 2 no bias', build: () => chain([7, 7, 2], L.separableConv2d({ filters: 3, kernelSize: 3, dilationRate: 2, padding: 'same', useBias: false })) },
  { name: 'AveragePooling2D same stride 1 (pads on both sides)', build: () => chain([5, 5, 2], L.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same' })) },
  // ---- Pooling ----
  {
    name: 'Pooling same on a free spatial size',
    build: () => chain([null, null, 2] as unknown as number[], L.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }), L.maxPooling2d({ poolSize: 2, padding: 'same' }), L.globalAveragePooling2d({})),
    opts: { freeDim: 7 },
  },
  { name: 'MaxPooling2D valid', build: () => chain([6, 6, 2], L.maxPooling2d({ poolSize: 2 })) },
  { name: 'MaxPooling2D same 3/2 odd', build: () => chain([7, 7, 2], L.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' })) },
  { name: 'AveragePooling2D same 3/2 (pads excluded)', build: () => chain([7, 6, 2], L.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' })) },
  { name: 'AveragePooling2D valid', build: () => chain([6, 6, 2], L.averagePooling2d({ poolSize: [2, 3] })) },
  { name: 'MaxPooling1D same', build: () => chain([7, 3], L.maxPooling1d({ poolSize: 2, padding: 'same' })) },
  { name: 'AveragePooling1D same stride 2', build: () => chain([9, 3], L.averagePooling1d({ poolSize: 3, strides: 2, padding: 'same' })) },
  { name: 'GlobalAveragePooling2D after conv', build: () => chain([6, 6, 2], conv(), L.globalAveragePooling2d({})), check: (r) => assert.equal(ops(r, 'GlobalAveragePool'), 1) },
  { name: 'GlobalMaxPooling2D after conv', build: () => chain([6, 6, 2], conv(), L.globalMaxPooling2d({})) },
  { name: 'GlobalAveragePooling2D on NHWC input (reduce)', build: () => chain([5, 4, 3], L.globalAveragePooling2d({})), check: (r) => assert.equal(ops(r, 'Transpose'), 0) },
  { name: 'GlobalAveragePooling1D', build: () => chain([7, 3], L.globalAveragePooling1d({})) },
  { name: 'GlobalMaxPooling1D after Conv1D', build: () => chain([7, 3], L.conv1d({ filters: 4, kernelSize: 2 }), L.globalMaxPooling1d({})) },
  // ---- Normalization ----
  {
    name: 'BatchNormalization folded into Conv',
    build: () => chain([6, 6, 3], conv(), L.batchNormalization({})),
    check: (r) => {
      assert.equal(ops(r, 'BatchNormalization'), 0, 'BN should be folded into the Conv');
      assert.equal(r.summary.optimizations.batchNormsFolded, 1);
    },
  },
  {
    name: 'BatchNormalization folded into Gemm',
    build: () => chain([5], L.dense({ units: 4 }), L.batchNormalization({ epsilon: 0.01 })),
    check: (r) => assert.equal(ops(r, 'BatchNormalization'), 0),
  },
  {
    name: 'BatchNormalization kept after relu (not foldable)',
    build: () => chain([6, 6, 3], conv({ activation: 'relu' }), L.batchNormalization({ center: false, scale: false })),
    check: (r) => assert.equal(ops(r, 'BatchNormalization'), 1),
  },
  { name: 'BatchNormalization on 3-D input (broadcast)', build: () => chain([5, 4], L.batchNormalization({})) },
  {
    name: 'BatchNormalization after Flatten of conv',
    build: () => chain([5, 5, 2], conv(), L.flatten(), L.batchNormalization({}), L.dense({ units: 3 })),
    check: (r) => assert.equal(ops(r, 'Transpose'), 1),
  },
  { name: 'LayerNormalization axis -1 (opset 17 op)', build: () => chain([4, 6], L.layerNormalization({})), check: (r) => assert.equal(ops(r, 'LayerNormalization'), 1) },
  {
    name: 'LayerNormalization decomposed at opset 13',
    build: () => chain([4, 6], L.layerNormalization({ epsilon: 1e-5 })),
    opts: { exportOptions: { opset: 13 } },
    check: (r) => assert.equal(ops(r, 'LayerNormalization'), 0),
  },
  { name: 'LayerNormalization axes [1,2], no center', build: () => chain([3, 4], L.layerNormalization({ axis: [1, 2], center: false })) },
  { name: 'LayerNormalization no scale, opset 15', build: () => chain([6], L.layerNormalization({ scale: false })), opts: { exportOptions: { opset: 15 } } },
  // ---- Dropout / noise: removed ----
  {
    name: 'Dropout and noise layers are removed',
    build: () =>
      chain([4, 6], L.dropout({ rate: 0.5 }), L.spatialDropout1d({ rate: 0.3 }), L.gaussianNoise({ stddev: 1 }), L.gaussianDropout({ rate: 0.2 }), L.alphaDropout({ rate: 0.2 }), L.dense({ units: 2 })),
    check: (r) => assert.deepEqual(Object.keys(r.summary.ops).sort(), ['Add', 'MatMul']),
  },
  // ---- Shape ----
  {
    name: 'Flatten after conv keeps Keras order, one Transpose',
    build: () => chain([6, 5, 3], conv({ activation: 'relu' }), L.maxPooling2d({}), L.flatten(), L.dense({ units: 4 })),
    check: (r) => assert.equal(ops(r, 'Transpose'), 1, 'only the input Transpose'),
    opts: { web: true },
  },
  {
    name: 'Flatten after conv feeding Add (reordered once)',
    build: () => {
      const input = tfl.input({ shape: [4, 4, 2] });
      const a = L.flatten().apply(conv({ padding: 'same', filters: 2 }).apply(input)) as ST;
      const b = L.flatten().apply(input) as ST;
      return tfl.model({ inputs: input, outputs: L.add().apply([a, b]) as ST });
    },
  },
  { name: 'Reshape with -1', build: () => chain([12], L.reshape({ targetShape: [-1, 3] }), L.dense({ units: 2 })) },
  { name: 'Reshape after conv', build: () => chain([5, 5, 2], conv(), L.reshape({ targetShape: [9, 4] })) },
  { name: 'Permute after conv', build: () => chain([5, 4, 2], conv({ padding: 'same' }), L.permute({ dims: [3, 1, 2] })), check: (r) => assert.ok(ops(r, 'Transpose') <= 2) },
  { name: 'Permute 3-D', build: () => chain([3, 5], L.permute({ dims: [2, 1] })) },
  { name: 'RepeatVector', build: () => chain([4], L.repeatVector({ n: 3 })) },
  { name: 'ZeroPadding2D asymmetric after conv', build: () => chain([5, 5, 2], conv(), L.zeroPadding2d({ padding: [[1, 2], [0, 1]] }), conv()) },
  { name: 'ZeroPadding2D on NHWC input', build: () => chain([4, 4, 2], L.zeroPadding2d({ padding: 1 })) },
  { name: 'Cropping2D after conv', build: () => chain([8, 8, 2], conv(), L.cropping2D({ cropping: [[1, 0], [2, 1]] }), conv()) },
  { name: 'Cropping2D symmetric', build: () => chain([6, 6, 2], L.cropping2D({ cropping: 1 })) },
  { name: 'UpSampling2D nearest [2,3]', build: () => chain([3, 4, 2], conv({ padding: 'same' }), L.upSampling2d({ size: [2, 3] })) },
  { name: 'UpSampling2D bilinear', build: () => chain([3, 4, 2], L.upSampling2d({ size: [2, 2], interpolation: 'bilinear' })) },
  { name: 'UpSampling2D bilinear x3', build: () => chain([4, 3, 2], L.upSampling2d({ size: [3, 3], interpolation: 'bilinear' })) },
  // ---- Activation layers ----
  { name: 'Activation softmax on conv output (channel axis)', build: () => chain([5, 5, 2], conv(), L.activation({ activation: 'softmax' })), check: (r) => assert.equal(ops(r, 'Transpose'), 2) },
  { name: 'Activation gelu on conv output', build: () => chain([5, 5, 2], conv(), L.activation({ activation: 'gelu' })) },
  { name: 'ReLU maxValue', build: () => chain([6], L.reLU({ maxValue: 0.5 })), opts: { inputScale: 2 } },
  { name: 'ReLU plain', build: () => chain([6], L.reLU({})) },
  { name: 'LeakyReLU alpha 0.1', build: () => chain([6], L.leakyReLU({ alpha: 0.1 })) },
  { name: 'PReLU after conv (channels-first alpha)', build: () => chain([5, 4, 3], conv({ padding: 'same' }), L.prelu({})) },
  { name: 'PReLU sharedAxes [1,2] after conv', build: () => chain([5, 4, 3], conv({ padding: 'same' }), L.prelu({ sharedAxes: [1, 2] })) },
  { name: 'PReLU on 2-D', build: () => chain([6], L.prelu({})) },
  { name: 'ELU', build: () => chain([6], L.elu({})), opts: { inputScale: 3 } },
  { name: 'ThresholdedReLU theta 0.3', build: () => chain([6], L.thresholdedReLU({ theta: 0.3 })) },
  { name: 'Softmax layer default axis (1) on 2-D', build: () => chain([5], L.softmax({})) },
  { name: 'Softmax layer axis -1', build: () => chain([4, 5], L.softmax({ axis: -1 })) },
  { name: 'Softmax layer axes [1,2]', build: () => chain([3, 4], L.softmax({ axis: [1, 2] as unknown as number })) },
  { name: 'Softmax layer axis -1 after conv', build: () => chain([4, 4, 2], conv({ padding: 'same' }), L.softmax({ axis: -1 })) },
  // ---- Merge ----
  ...(['add', 'multiply', 'average', 'maximum', 'minimum'] as const).map(
    (kind): Case => ({
      name: `Merge ${kind}`,
      build: () => {
        const input = tfl.input({ shape: [5] });
        const a = L.dense({ units: 3 }).apply(input) as ST;
        const b = L.dense({ units: 3 }).apply(input) as ST;
        return tfl.model({ inputs: input, outputs: L[kind]({}).apply([a, b]) as ST });
      },
    }),
  ),
  {
    name: 'Add of three inputs',
    build: () => {
      const input = tfl.input({ shape: [4] });
      const xs = [1, 2, 3].map(() => L.dense({ units: 2 }).apply(input) as ST);
      return tfl.model({ inputs: input, outputs: L.add().apply(xs) as ST });
    },
  },
  {
    name: 'Residual Add of conv outputs stays NCHW',
    build: () => {
      const input = tfl.input({ shape: [6, 6, 3] });
      const a = conv({ padding: 'same' }).apply(input) as ST;
      const b = conv({ padding: 'same', activation: 'relu' }).apply(a) as ST;
      return tfl.model({ inputs: input, outputs: L.add().apply([a, b]) as ST });
    },
    check: (r) => assert.equal(ops(r, 'Transpose'), 2, 'one in, one out'),
  },
  {
    name: 'Concatenate conv branches on channel axis',
    build: () => {
      const input = tfl.input({ shape: [5, 5, 2] });
      const a = conv({ padding: 'same' }).apply(input) as ST;
      const b = conv({ padding: 'same', filters: 2 }).apply(input) as ST;
      const c = L.concatenate({ axis: -1 }).apply([a, b]) as ST;
      return tfl.model({ inputs: input, outputs: conv().apply(c) as ST });
    },
    check: (r) => assert.equal(ops(r, 'Transpose'), 2),
  },
  {
    name: 'Concatenate axis 1 on 3-D',
    build: () => {
      const a = tfl.input({ shape: [2, 3] });
      const b = tfl.input({ shape: [4, 3] });
      return tfl.model({ inputs: [a, b], outputs: L.concatenate({ axis: 1 }).apply([a, b]) as ST });
    },
  },
  {
    name: 'Concatenate NHWC input with conv output',
    build: () => {
      const input = tfl.input({ shape: [4, 4, 2] });
      const a = conv({ padding: 'same' }).apply(input) as ST;
      return tfl.model({ inputs: input, outputs: L.concatenate({}).apply([input, a]) as ST });
    },
    check: (r) => assert.equal(ops(r, 'Transpose'), 2, 'the cached input Transpose is reused; one Transpose back for the output'),
  },
  {
    name: 'Dot rank 2 normalize',
    build: () => {
      const a = tfl.input({ shape: [5] });
      const b = tfl.input({ shape: [5] });
      return tfl.model({ inputs: [a, b], outputs: L.dot({ axes: 1, normalize: true }).apply([a, b]) as ST });
    },
  },
  {
    name: 'Dot rank 3 axes [2,2]',
    build: () => {
      const a = tfl.input({ shape: [3, 4] });
      const b = tfl.input({ shape: [5, 4] });
      return tfl.model({ inputs: [a, b], outputs: L.dot({ axes: [2, 2] }).apply([a, b]) as ST });
    },
  },
  {
    name: 'Dot rank 3 axes [1,1] normalize',
    build: () => {
      const a = tfl.input({ shape: [3, 4] });
      const b = tfl.input({ shape: [3, 2] });
      return tfl.model({ inputs: [a, b], outputs: L.dot({ axes: [1, 1], normalize: true }).apply([a, b]) as ST });
    },
  },
  {
    name: 'Dot rank 3 axes [2,1]',
    build: () => {
      const a = tfl.input({ shape: [3, 4] });
      const b = tfl.input({ shape: [4, 2] });
      return tfl.model({ inputs: [a, b], outputs: L.dot({ axes: [2, 1] }).apply([a, b]) as ST });
    },
  },
  // ---- Model structure ----
  {
    name: 'Functional model with 2 inputs and 2 outputs',
    build: () => {
      const img = tfl.input({ shape: [6, 6, 1], name: 'image' });
      const vec = tfl.input({ shape: [3], name: 'features' });
      const f = L.flatten().apply(conv({ activation: 'relu' }).apply(img)) as ST;
      const joined = L.concatenate().apply([f, L.dense({ units: 4 }).apply(vec) as ST]) as ST;
      const cls = L.dense({ units: 3, activation: 'softmax', name: 'class_probs' }).apply(joined) as ST;
      const reg = L.dense({ units: 1, name: 'score' }).apply(joined) as ST;
      return tfl.model({ inputs: [img, vec], outputs: [cls, reg] });
    },
    check: (r) => {
      assert.deepEqual(r.result.io.inputs.map((i) => i.name), ['image', 'features']);
      assert.deepEqual(r.result.io.outputs.map((o) => o.name), ['class_probs', 'score']);
    },
    opts: { web: true },
  },
  {
    name: 'Shared layer applied on two branches',
    build: () => {
      const a = tfl.input({ shape: [4] });
      const b = tfl.input({ shape: [4] });
      const shared = L.dense({ units: 3, activation: 'tanh', name: 'shared_dense' });
      return tfl.model({ inputs: [a, b], outputs: L.maximum({}).apply([shared.apply(a) as ST, shared.apply(b) as ST]) as ST });
    },
    check: (r) => {
      assert.equal(ops(r, 'Gemm'), 2);
      const kernels = [...r.result.graph.initializers.keys()].filter((n) => n.startsWith('shared_dense/kernel'));
      assert.deepEqual(kernels, ['shared_dense/kernel'], 'the shared kernel is stored once');
    },
  },
  {
    name: 'Nested model used twice',
    build: () => {
      const inner = tfl.sequential({ name: 'encoder', layers: [L.dense({ inputShape: [4], units: 3, activation: 'relu' }), L.dense({ units: 2 })] });
      const a = tfl.input({ shape: [4] });
      const b = tfl.input({ shape: [4] });
      const ea = inner.apply(a) as ST;
      const eb = inner.apply(b) as ST;
      return tfl.model({ inputs: [a, b], outputs: L.concatenate().apply([ea, eb]) as ST });
    },
    check: (r) => {
      assert.equal(ops(r, 'Gemm'), 4);
      assert.ok(r.result.graph.nodes.some((n) => n.name.startsWith('encoder/')), 'nested layer names are prefixed with the model name');
      assert.equal(r.result.graph.initializers.size, 4, 'the nested weights are stored once');
    },
  },
  {
    name: 'Nested functional CNN inside Sequential',
    build: () => {
      const i = tfl.input({ shape: [6, 6, 2] });
      const backbone = tfl.model({ name: 'backbone', inputs: i, outputs: L.maxPooling2d({}).apply(conv({ padding: 'same', activation: 'relu' }).apply(i)) as ST });
      return tfl.sequential({ layers: [backbone, L.flatten(), L.dense({ units: 3 })] });
    },
    check: (r) => assert.equal(ops(r, 'Transpose'), 1),
  },
  ...[13, 17].map(
    (opset): Case => ({
      name: `CNN at opset ${opset}`,
      build: () => chain([8, 8, 1], conv({ activation: 'relu' }), L.batchNormalization({}), L.maxPooling2d({}), L.flatten(), L.dense({ units: 3, activation: 'softmax' })),
      opts: { exportOptions: { opset } },
      check: (r) => assert.equal(r.summary.opset, opset),
    }),
  ),
  {
    name: 'nchwInput: NCHW graph input, no Transpose',
    build: () => chain([6, 6, 3], conv({ padding: 'same' }), L.maxPooling2d({}), L.flatten(), L.dense({ units: 2 })),
    opts: { exportOptions: { nchwInput: true } },
    check: (r) => {
      assert.deepEqual(r.result.graph.inputs[0]!.shape, ['batch', 3, 6, 6]);
      assert.equal(ops(r, 'Transpose'), 0);
    },
  },
  {
    name: 'nchwInput: Conv1D input becomes NCW',
    build: () => chain([7, 2], L.conv1d({ filters: 3, kernelSize: 3 }), L.globalAveragePooling1d({})),
    opts: { exportOptions: { nchwInput: true } },
    check: (r) => {
      assert.deepEqual(r.result.graph.inputs[0]!.shape, ['batch', 2, 7]);
      assert.equal(ops(r, 'Transpose'), 0);
    },
  },
  { name: 'Rescaling then conv', build: () => chain([5, 5, 3], L.rescaling({ scale: 1 / 255, offset: -1 }), conv()), opts: { inputScale: 255 } },
  {
    name: 'Rescaling of an int32 input',
    build: () => {
      const input = tfl.input({ shape: [4], dtype: 'int32' });
      return tfl.model({ inputs: input, outputs: L.dense({ units: 2 }).apply(L.rescaling({ scale: 0.5, offset: 1 }).apply(input)) as ST });
    },
    check: (r) => assert.equal(ops(r, 'Cast'), 1),
  },
  {
    name: 'One ONNX value as two outputs (linear Activation passes its input through)',
    build: () => {
      const input = tfl.input({ shape: [3] });
      const d = L.dense({ units: 2 }).apply(input) as ST;
      return tfl.model({ inputs: input, outputs: [d, L.activation({ activation: 'linear' }).apply(d) as ST] });
    },
    check: (r) => assert.equal(new Set(r.result.io.outputs.map((o) => o.name)).size, 2),
  },
  {
    name: 'Free time axis is symbolic',
    build: () => chain([null as unknown as number, 3], L.dense({ units: 2 })),
    check: (r) => assert.deepEqual(r.result.graph.inputs[0]!.shape, ['batch', 'time', 3]),
  },
];

for (const [i, c] of cases.entries()) {
  test(c.name, async () => {
    await useCpuBackend();
    const model = c.build();
    randomWeights(model, i + 1);
    const r = await exportAndCompare(model, { label: c.name, ...c.opts });
    c.check?.(r);
    model.dispose();
  });
}

test('Conv1D causal matches a valid Conv1D on a left-padded input', async () => {
  await useCpuBackend();
  // tfjs cannot run causal padding itself; Keras defines it as left padding by (k-1)·d.
  const causal = chain([8, 2], L.conv1d({ filters: 3, kernelSize: 3, dilationRate: 2, padding: 'causal', name: 'causal' }));
  randomWeights(causal, 42);
  const reference = chain([12, 2], L.conv1d({ filters: 3, kernelSize: 3, dilationRate: 2, name: 'reference' }));
  reference.setWeights(causal.getWeights());
  const { exportLayersModel } = await import('../../pipeline/export/index.ts');
  const result = exportLayersModel(causal);
  const x = tf.randomUniform([2, 8, 2], -1, 1, 'float32', 3);
  const [got] = await runExported(result, [x]);
  const want = reference.predict(tf.pad(x, [[0, 0], [4, 0], [0, 0]])) as tf.Tensor;
  assert.deepEqual(got!.shape, [2, 8, 3]);
  const diff = tf.max(tf.abs(tf.sub(got!, want))).dataSync()[0]!;
  assert.ok(diff < 1e-5, `causal Conv1D differs by ${diff}`);
});

test('onnx.checker (full_check) accepts every model exported above', () => {
  const paths = savedModelPaths();
  assert.ok(paths.length >= cases.length, `expected at least ${cases.length} saved models, found ${paths.length}`);
  assertCheckerAccepts(paths);
});
