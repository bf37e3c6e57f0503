/**
 * Folds an inference BatchNormalization into the Conv / ConvTranspose / Gemm that feeds it
 * (when that BN is the producer's only consumer and the weights are constants):
 * W' = W·s per output channel, b' = b·s + t, with s = γ/√(σ²+ε), t = β − μ·s.
 */
import type { Graph, GraphNode, TensorData } from '../graph.ts';
import { consumers, outputNames, producers, removeNodes } from './graph-utils.ts';

type FloatTensor = TensorData & { data: Float32Array };

function floatInit(graph: Graph, name: string | undefined): FloatTensor | undefined {
  if (!name) return undefined;
  const t = graph.initializers.get(name);
  return t && t.data instanceof Float32Array ? (t as FloatTensor) : undefined;
}

function intAttr(node: GraphNode, key: string, fallback: number): number {
  const a = node.attributes[key];
  return a && a.type === 'int' ? a.value : fallback;
}

function floatAttr(node: GraphNode, key: string, fallback: number): number {
  const a = node.attributes[key];
  return a && a.type === 'float' ? a.value : fallback;
}

/** An initializer this node may write: the original if nobody else reads it, else a fresh copy. */
function writable(graph: Graph, cons: Map<string, GraphNode[]>, node: GraphNode, inputIndex: number): Float32Array {
  const name = node.inputs[inputIndex]!;
  const t = graph.initializers.get(name)!;
  const shared = (cons.get(name) ?? []).some((n) => n !== node) || node.inputs.filter((i) => i === name).length > 1;
  if (!shared) return t.data as Float32Array;
  const copy = Float32Array.from(t.data as Float32Array);
  node.inputs[inputIndex] = graph.addInitializer(name, t.dataType, [...t.dims], copy);
  return copy;
}

/**
 * Folds every foldable BatchNormalization; returns how many were folded. BN nodes it cannot fold
 * (another consumer, non-constant weights, an unsupported producer) are left in place.
 */
export function foldBatchNorm(graph: Graph): number {
  const prod = producers(graph);
  const cons = consumers(graph);
  const outs = outputNames(graph);
  const dead = new Set<GraphNode>();
  for (const bn of graph.nodes) {
    if (bn.opType !== 'BatchNormalization' || bn.outputs.length !== 1) continue;
    const x = bn.inputs[0]!;
    const p = prod.get(x);
    if (!p || dead.has(p) || outs.has(x) || (cons.get(x)?.length ?? 0) !== 1) continue;
    if (!['Conv', 'ConvTranspose', 'Gemm'].includes(p.opType)) continue;
    const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((i) => floatInit(graph, bn.inputs[i]));
    const w = floatInit(graph, p.inputs[1]);
    if (!gamma || !beta || !mean || !variance || !w) continue;
    const c = mean.data.length;
    const eps = floatAttr(bn, 'epsilon', 1e-5);
    const s = new Float64Array(c);
    const t = new Float64Array(c);
    for (let i = 0; i < c; i++) {
      s[i] = gamma.data[i]! / Math.sqrt(variance.data[i]! + eps);
      t[i] = beta.data[i]! - mean.data[i]! * s[i]!;
    }
    let outAxisSize: number;
    let scaleWeight: (data: Float32Array) => void;
    if (p.opType === 'Conv') {
      outAxisSize = w.dims[0]!;
      const per = w.data.length / outAxisSize;
      scaleWeight = (d) => {
        for (let o = 0; o < outAxisSize; o++) for (let k = 0; k < per; k++) d[o * per + k]! *= s[o]!;
      };
    } else if (p.opType === 'ConvTranspose') {
      if (intAttr(p, 'group', 1) !== 1) continue;
      outAxisSize = w.dims[1]!;
      const inner = w.dims.slice(2).reduce((a, b) => a * b, 1);
      const cin = w.dims[0]!;
      scaleWeight = (d) => {
        for (let i = 0; i < cin; i++) for (let o = 0; o < outAxisSize; o++) for (let k = 0; k < inner; k++) d[(i * outAxisSize + o) * inner + k]! *= s[o]!;
      };
    } else {
      if (floatAttr(p, 'alpha', 1) !== 1 || floatAttr(p, 'beta', 1) !== 1 || intAttr(p, 'transA', 0) !== 0 || w.dims.length !== 2) continue;
      const transB = intAttr(p, 'transB', 0) === 1;
      const [r, cols] = w.dims as [number, number];
      outAxisSize = transB ? r : cols;
      scaleWeight = (d) => {
        for (let i = 0; i < r; i++) for (let j = 0; j < cols; j++) d[i * cols + j]! *= s[transB ? i : j]!;
      };
    }
    if (outAxisSize !== c) continue;
    const bias = p.inputs[2] ? floatInit(graph, p.inputs[2]) : undefined;
    if (p.inputs[2] && (!bias || bias.data.length !== c || bias.dims.length !== 1)) continue;

    scaleWeight(writable(graph, cons, p, 1));
    const newBias = new Float32Array(c);
    for (let i = 0; i < c; i++) newBias[i] = (bias ? bias.data[i]! : 0) * s[i]! + t[i]!;
    if (bias) writable(graph, cons, p, 2).set(newBias);
    else p.inputs[2] = graph.addFloat(`${p.name}/bias`, [c], newBias);
    p.outputs[0] = bn.outputs[0]!;
    dead.add(bn);
  }
  removeNodes(graph, dead);
  return dead.size;
}
