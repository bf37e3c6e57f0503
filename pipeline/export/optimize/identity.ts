/**
 * Removes Identity nodes: readers are pointed at the Identity's input; an Identity that defines a
 * graph output instead renames its input's producer output (when that is safe).
 */
import type { Graph, GraphNode } from '../graph.ts';
import { outputNames, producers, removeNodes, replaceInputs } from './graph-utils.ts';

/** Removes every removable Identity node; returns how many were removed. */
export function removeIdentity(graph: Graph): number {
  const dead = new Set<GraphNode>();
  const outs = outputNames(graph);
  const inputNames = new Set(graph.inputs.map((i) => i.name));
  for (const node of graph.nodes) {
    if (node.opType !== 'Identity' || node.inputs.length !== 1 || node.outputs.length !== 1) continue;
    const src = node.inputs[0]!;
    const dst = node.outputs[0]!;
    if (!outs.has(dst)) {
      replaceInputs(graph, dst, src);
      dead.add(node);
      continue;
    }
    // dst is a graph output: rename src → dst if src is a plain intermediate value.
    const p = producers(graph).get(src);
    if (!p || outs.has(src) || inputNames.has(src) || graph.initializers.has(src)) continue;
    p.outputs = p.outputs.map((o) => (o === src ? dst : o));
    replaceInputs(graph, src, dst);
    dead.add(node);
  }
  removeNodes(graph, dead);
  return dead.size;
}
