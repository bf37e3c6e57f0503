/**
 * Constant folding for the static shape arithmetic converters emit: a node whose inputs are all
 * initializers (Shape, Gather, Concat, Reshape, Unsqueeze, Squeeze, Flatten, Transpose, Cast,
 * Identity, Add/Sub/Mul/Div, Constant) is evaluated at export time and replaced by an initializer.
 */
import { DataType } from '../graph.ts';
import type { DataTypeCode, Graph, GraphNode, TensorData } from '../graph.ts';
import { outputNames, removeNodes } from './graph-utils.ts';

interface Value {
  dataType: DataTypeCode;
  dims: number[];
  values: number[];
}

const FOLDABLE = new Set(['Shape', 'Gather', 'Concat', 'Reshape', 'Unsqueeze', 'Squeeze', 'Flatten', 'Transpose', 'Cast', 'Identity', 'Add', 'Sub', 'Mul', 'Div', 'Constant']);
/** Do not materialise folded tensors bigger than this many elements (keeps the file small). */
const MAX_FOLDED_ELEMENTS = 1 << 20;

function toValue(t: TensorData): Value | undefined {
  if (t.dataType !== DataType.FLOAT && t.dataType !== DataType.INT64 && t.dataType !== DataType.INT32) return undefined;
  return { dataType: t.dataType, dims: [...t.dims], values: Array.from(t.data as ArrayLike<number | bigint>, Number) };
}

function toTensor(name: string, v: Value): TensorData {
  const data =
    v.dataType === DataType.FLOAT
      ? Float32Array.from(v.values)
      : v.dataType === DataType.INT64
        ? BigInt64Array.from(v.values.map((x) => BigInt(Math.trunc(x))))
        : Int32Array.from(v.values);
  return { name, dataType: v.dataType, dims: v.dims, data };
}

const size = (dims: number[]) => dims.reduce((a, b) => a * b, 1);
const norm = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

function ints(node: GraphNode, key: string): number[] | undefined {
  const a = node.attributes[key];
  return a && a.type === 'ints' ? a.value : undefined;
}
function int(node: GraphNode, key: string, fallback: number): number {
  const a = node.attributes[key];
  return a && a.type === 'int' ? a.value : fallback;
}

function transpose(v: Value, perm: number[]): Value {
  const rank = v.dims.length;
  const outDims = perm.map((p) => v.dims[p]!);
  const strides = new Array<number>(rank);
  for (let i = rank - 1, s = 1; i >= 0; i--) {
    strides[i] = s;
    s *= v.dims[i]!;
  }
  const out = new Array<number>(v.values.length);
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let d = 0; d < rank; d++) src += idx[d]! * strides[perm[d]!]!;
    out[o] = v.values[src]!;
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d]! < outDims[d]!) break;
      idx[d] = 0;
    }
  }
  return { dataType: v.dataType, dims: outDims, values: out };
}

function broadcastBinary(a: Value, b: Value, f: (x: number, y: number) => number): Value | undefined {
  const same = a.dims.length === b.dims.length && a.dims.every((d, i) => d === b.dims[i]);
  if (same) return { dataType: a.dataType, dims: a.dims, values: a.values.map((x, i) => f(x, b.values[i]!)) };
  if (b.values.length === 1) return { dataType: a.dataType, dims: a.dims.length >= b.dims.length ? a.dims : b.dims, values: a.values.map((x) => f(x, b.values[0]!)) };
  if (a.values.length === 1) return { dataType: a.dataType, dims: b.dims.length >= a.dims.length ? b.dims : a.dims, values: b.values.map((y) => f(a.values[0]!, y)) };
  return undefined;
}

/** Evaluates one node on constant inputs, or returns undefined when it cannot. */
function evaluate(node: GraphNode, ins: Value[]): Value | undefined {
  const [a, b] = ins;
  switch (node.opType) {
    case 'Identity':
      return a;
    case 'Shape':
      return { dataType: DataType.INT64, dims: [a!.dims.length], values: [...a!.dims] };
    case 'Reshape': {
      const target = b!.values.map((d, i) => (d === 0 ? a!.dims[i]! : d));
      const known = target.filter((d) => d !== -1).reduce((x, y) => x * y, 1);
      return { ...a!, dims: target.map((d) => (d === -1 ? a!.values.length / known : d)) };
    }
    case 'Flatten': {
      const axis = norm(int(node, 'axis', 1), a!.dims.length);
      return { ...a!, dims: [size(a!.dims.slice(0, axis)), size(a!.dims.slice(axis))] };
    }
    case 'Unsqueeze': {
      const rank = a!.dims.length + b!.values.length;
      const axes = b!.values.map((x) => norm(x, rank));
      const dims: number[] = [];
      for (let i = 0, j = 0; i < rank; i++) dims.push(axes.includes(i) ? 1 : a!.dims[j++]!);
      return { ...a!, dims };
    }
    case 'Squeeze': {
      const axes = b ? b.values.map((x) => norm(x, a!.dims.length)) : a!.dims.flatMap((d, i) => (d === 1 ? [i] : []));
      return { ...a!, dims: a!.dims.filter((_, i) => !axes.includes(i)) };
    }
    case 'Transpose':
      return transpose(a!, ints(node, 'perm') ?? a!.dims.map((_, i) => a!.dims.length - 1 - i));
    case 'Cast': {
      const to = int(node, 'to', 0);
      if (to !== DataType.FLOAT && to !== DataType.INT64 && to !== DataType.INT32) return undefined;
      return { dataType: to as DataTypeCode, dims: a!.dims, values: to === DataType.FLOAT ? a!.values : a!.values.map(Math.trunc) };
    }
    case 'Concat': {
      const axis = norm(int(node, 'axis', 0), a!.dims.length);
      const outer = size(a!.dims.slice(0, axis));
      const values: number[] = [];
      for (let o = 0; o < outer; o++) {
        for (const v of ins) {
          const chunk = size(v.dims.slice(axis));
          values.push(...v.values.slice(o * chunk, (o + 1) * chunk));
        }
      }
      const dims = [...a!.dims];
      dims[axis] = ins.reduce((s, v) => s + v.dims[axis]!, 0);
      return { dataType: a!.dataType, dims, values };
    }
    case 'Gather': {
      const axis = norm(int(node, 'axis', 0), a!.dims.length);
      const outer = size(a!.dims.slice(0, axis));
      const inner = size(a!.dims.slice(axis + 1));
      const n = a!.dims[axis]!;
      const values: number[] = [];
      for (let o = 0; o < outer; o++) {
        for (const raw of b!.values) {
          const i = raw < 0 ? raw + n : raw;
          values.push(...a!.values.slice((o * n + i) * inner, (o * n + i + 1) * inner));
        }
      }
      return { dataType: a!.dataType, dims: [...a!.dims.slice(0, axis), ...b!.dims, ...a!.dims.slice(axis + 1)], values };
    }
    case 'Add':
      return broadcastBinary(a!, b!, (x, y) => x + y);
    case 'Sub':
      return broadcastBinary(a!, b!, (x, y) => x - y);
    case 'Mul':
      return broadcastBinary(a!, b!, (x, y) => x * y);
    case 'Div':
      return broadcastBinary(a!, b!, a!.dataType === DataType.FLOAT ? (x, y) => x / y : (x, y) => Math.trunc(x / y));
    default:
      return undefined;
  }
}

/** Folds every foldable all-constant node into an initializer; returns how many were folded. */
export function foldConstants(graph: Graph): number {
  const outs = outputNames(graph);
  const dead = new Set<GraphNode>();
  for (const node of graph.nodes) {
    if (!FOLDABLE.has(node.opType) || node.outputs.length !== 1 || outs.has(node.outputs[0]!)) continue;
    let result: Value | undefined;
    if (node.opType === 'Constant') {
      const v = node.attributes['value'];
      result = v && v.type === 'tensor' ? toValue(v.value) : undefined;
    } else {
      const present = node.inputs.filter((i) => i !== '');
      if (present.length === 0 || present.length !== node.inputs.length) continue;
      if (!present.every((i) => graph.initializers.has(i))) continue;
      const values = present.map((i) => toValue(graph.initializers.get(i)!));
      if (values.some((v) => v === undefined)) continue;
      // Do not fold big float tensors whose inputs are shared weights (would duplicate them).
      if (values.reduce((s, v) => s + v!.values.length, 0) > MAX_FOLDED_ELEMENTS) continue;
      result = evaluate(node, values as Value[]);
    }
    if (!result || result.values.length !== size(result.dims)) continue;
    const name = node.outputs[0]!;
    graph.initializers.set(name, toTensor(name, result));
    dead.add(node);
  }
  removeNodes(graph, dead);
  return dead.size;
}
