/**
 * Optimizer passes on hand-built graphs: each rewrite is checked for its effect on the graph AND
 * for unchanged results in onnxruntime; plus end-to-end parity with optimizations off.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import * as tfl from '@tensorflow/tfjs-layers';
import { Graph, DataType, attr } from '../../pipeline/export/graph.ts';
import { encodeModel } from '../../pipeline/export/encode.ts';
import { optimizeGraph, NO_OPTIMIZATIONS, resolveOptimizeOptions } from '../../pipeline/export/optimize/index.ts';
import { exportAndCompare, randomWeights, seededRandom, useCpuBackend } from './harness.ts';

function floatInput(g: Graph, name: string, shape: number[]): string {
  g.inputs.push({ name: g.reserveName(name), dataType: DataType.FLOAT, shape });
  return name;
}

function output(g: Graph, name: string, shape: (number | string)[]): void {
  g.outputs.push({ name, dataType: DataType.FLOAT, shape });
}

async function run(g: Graph, feeds: Record<string, Float32Array>, shapes: Record<string, number[]>): Promise<Float32Array[]> {
  const session = await ort.InferenceSession.create(encodeModel(g, { opset: 17, producerVersion: 'test' }));
  const t: Record<string, ort.Tensor> = {};
  for (const [k, v] of Object.entries(feeds)) t[k] = new ort.Tensor('float32', v, shapes[k]!);
  const res = await session.run(t);
  await session.release();
  return g.outputs.map((o) => res[o.name]!.data as Float32Array);
}

function random(n: number, seed: number): Float32Array {
  const r = seededRandom(seed);
  return Float32Array.from({ length: n }, () => r() * 2 - 1);
}

function clone(g: Graph): Graph {
  const c = new Graph();
  c.inputs.push(...g.inputs);
  c.outputs.push(...g.outputs);
  for (const [k, v] of g.initializers) c.initializers.set(k, { ...v, data: v.data.slice() });
  c.nodes.push(...g.nodes.map((n) => ({ ...n, inputs: [...n.inputs], outputs: [...n.outputs] })));
  const names = new Set([...g.inputs.map((i) => i.name), ...g.initializers.keys(), ...g.nodes.flatMap((n) => [n.name, ...n.outputs])]);
  for (const n of names) c.reserveName(n);
  return c;
}

/** Runs `g` before and after optimizing with `opts`; asserts identical outputs; returns the optimized graph. */
async function optimizedSameResults(g: Graph, feeds: Record<string, Float32Array>, shapes: Record<string, number[]>, opts = resolveOptimizeOptions(true)): Promise<Graph> {
  const before = await run(g, feeds, shapes);
  const opt = clone(g);
  optimizeGraph(opt, opts);
  const after = await run(opt, feeds, shapes);
  before.forEach((b, i) => {
    const a = after[i]!;
    assert.equal(a.length, b.length);
    for (let j = 0; j < b.length; j++) assert.ok(Math.abs(a[j]! - b[j]!) <= 1e-5 * Math.max(1, Math.abs(b[j]!)), `output ${i}[${j}]: ${a[j]} vs ${b[j]}`);
  });
  return opt;
}

test('a Transpose pair composing to identity disappears', async () => {
  const g = new Graph();
  const x = floatInput(g, 'x', [2, 3, 4, 5]);
  const a = g.add('Transpose', [x], { perm: attr.ints([0, 3, 1, 2]) });
  const b = g.add('Transpose', [a], { perm: attr.ints([0, 2, 3, 1]) });
  g.addNode('Relu', [b], {}, { outputs: ['y'] });
  output(g, 'y', [2, 3, 4, 5]);
  const opt = await optimizedSameResults(g, { x: random(120, 1) }, { x: [2, 3, 4, 5] });
  assert.deepEqual(opt.nodes.map((n) => n.opType), ['Relu']);
  assert.deepEqual(opt.nodes[0]!.inputs, ['x']);
});

test('consecutive Transposes merge into one', async () => {
  const g = new Graph();
  const x = floatInput(g, 'x', [2, 3, 4]);
  const a = g.add('Transpose', [x], { perm: attr.ints([0, 2, 1]) });
  g.addNode('Transpose', [a], { perm: attr.ints([1, 0, 2]) }, { outputs: ['y'] });
  output(g, 'y', [4, 2, 3]);
  const opt = await optimizedSameResults(g, { x: random(24, 2) }, { x: [2, 3, 4] });
  assert.equal(opt.nodes.length, 1);
  const perm = opt.nodes[0]!.attributes['perm'];
  assert.deepEqual(perm, attr.ints([2, 0, 1]));
});

test('Identity nodes are removed, graph output names kept', async () => {
  const g = new Graph();
  const x = floatInput(g, 'x', [3]);
  const i1 = g.add('Identity', [x]);
  const r = g.add('Relu', [i1]);
  g.addNode('Identity', [r], {}, { outputs: ['y'] });
  output(g, 'y', [3]);
  const opt = await optimizedSameResults(g, { x: random(3, 3) }, { x: [3] });
  assert.deepEqual(opt.nodes.map((n) => n.opType), ['Relu']);
  assert.deepEqual(opt.nodes[0]!.outputs, ['y']);
});

test('constant shape arithmetic folds into initializers', async () => {
  const g = new Graph();
  const x = floatInput(g, 'x', [2, 6]);
  const c = g.addFloat('c', [3, 4], new Float32Array(12));
  const shape = g.add('Shape', [c]);
  const dim = g.add('Gather', [shape, g.addInt64('idx', [0], [])], { axis: attr.int(0) });
  const dim1 = g.add('Unsqueeze', [dim, g.addInt64('axes', [0])]);
  const target = g.add('Concat', [g.addInt64('minus1', [-1]), dim1], { axis: attr.int(0) });
  g.addNode('Reshape', [x, target], {}, { outputs: ['y'] });
  output(g, 'y', [4, 3]);
  const opt = await optimizedSameResults(g, { x: random(12, 4) }, { x: [2, 6] });
  assert.deepEqual(opt.nodes.map((n) => n.opType), ['Reshape']);
  const shapeInit = opt.initializers.get(opt.nodes[0]!.inputs[1]!);
  assert.ok(shapeInit, 'the Reshape target is an initializer');
  assert.deepEqual(Array.from(shapeInit.data as BigInt64Array, Number), [-1, 3]);
  assert.ok(!opt.initializers.has('c'), 'the now-unused constant is dropped');
});

test('BatchNormalization is not folded when the Conv output has another reader', async () => {
  const g = new Graph();
  const x = floatInput(g, 'x', [1, 2, 4, 4]);
  const w = g.addFloat('w', [3, 2, 3, 3], random(54, 5));
  const conv = g.add('Conv', [x, w], { kernel_shape: attr.ints([3, 3]) });
  const c = (n: string, v: number[]) => g.addFloat(n, [3], v);
  g.addNode('BatchNormalization', [conv, c('g', [1, 2, 3]), c('b', [0.1, 0.2, 0.3]), c('m', [0.5, 0, -0.5]), c('v', [1, 2, 0.5])], {}, { outputs: ['y'] });
  g.addNode('Relu', [conv], {}, { outputs: ['z'] });
  output(g, 'y', [1, 3, 2, 2]);
  output(g, 'z', [1, 3, 2, 2]);
  const opt = await optimizedSameResults(g, { x: random(32, 6) }, { x: [1, 2, 4, 4] });
  assert.equal(opt.nodes.filter((n) => n.opType === 'BatchNormalization').length, 1);
});

test('BatchNormalization folds into a ConvTranspose and a Conv with a shared weight', async () => {
  const g = new Graph();
  const x = floatInput(g, 'x', [1, 2, 3, 3]);
  const w = g.addFloat('w', [2, 2, 2, 2], random(16, 7));
  const ct = g.add('ConvTranspose', [x, w], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) });
  const conv = g.add('Conv', [x, w], { kernel_shape: attr.ints([2, 2]) }); // reads the same weight
  const c = (n: string, v: number[]) => g.addFloat(n, [2], v);
  g.addNode('BatchNormalization', [ct, c('g', [1.5, -1]), c('b', [0.1, 0.2]), c('m', [0.3, -0.2]), c('v', [0.7, 2])], { epsilon: attr.float(0.01) }, { outputs: ['y'] });
  g.addNode('BatchNormalization', [conv, c('g2', [0.5, 2]), c('b2', [0, 1]), c('m2', [1, 0]), c('v2', [1, 1])], {}, { outputs: ['z'] });
  output(g, 'y', [1, 2, 6, 6]);
  output(g, 'z', [1, 2, 2, 2]);
  const opt = await optimizedSameResults(g, { x: random(18, 8) }, { x: [1, 2, 3, 3] });
  assert.equal(opt.nodes.filter((n) => n.opType === 'BatchNormalization').length, 0);
});

test('optimize: false keeps BatchNormalization and still matches tfjs', async () => {
  await useCpuBackend();
  const m = tfl.sequential({
    layers: [tfl.layers.conv2d({ inputShape: [6, 6, 2], filters: 3, kernelSize: 3 }), tfl.layers.batchNormalization({}), tfl.layers.flatten(), tfl.layers.dense({ units: 2 })],
  });
  randomWeights(m, 9);
  const off = await exportAndCompare(m, { label: 'optimize off', exportOptions: { optimize: false } });
  const on = await exportAndCompare(m, { label: 'optimize on' });
  assert.equal(off.summary.ops['BatchNormalization'], 1);
  assert.equal(on.summary.ops['BatchNormalization'], undefined);
  assert.ok(on.summary.nodeCount < off.summary.nodeCount);
  assert.deepEqual(resolveOptimizeOptions(false), NO_OPTIMIZATIONS);
  assert.deepEqual(resolveOptimizeOptions({ foldBatchNorm: false }).foldBatchNorm, false);
});
