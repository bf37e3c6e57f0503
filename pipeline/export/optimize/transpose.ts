/**
 * Transpose clean-up: a Transpose reading another Transpose is rewritten to read the first one's
 * input with the composed permutation; a composition that is the identity disappears. The first
 * Transpose is then dead if nothing else reads it (dead-code elimination removes it).
 */
import { attr } from '../graph.ts';
import type { Graph, GraphNode } from '../graph.ts';
import { composePerms, isIdentityPerm } from '../layout.ts';
import { outputNames, producers, removeNodes, replaceInputs } from './graph-utils.ts';

function permOf(node: GraphNode): number[] | undefined {
  const a = node.attributes['perm'];
  return a && a.type === 'ints' ? a.value : undefined;
}

/** Merges chains of Transposes and drops identity ones; returns the number of rewrites. */
export function cancelTransposes(graph: Graph): number {
  let rewrites = 0;
  const outs = outputNames(graph);
  const dead = new Set<GraphNode>();
  const prod = producers(graph);
  for (const node of graph.nodes) {
    if (node.opType !== 'Transpose') continue;
    let perm = permOf(node);
    if (!perm) continue;
    const first = prod.get(node.inputs[0]!);
    if (first && first.opType === 'Transpose' && !dead.has(first)) {
      const p1 = permOf(first);
      if (p1 && p1.length === perm.length) {
        perm = composePerms(p1, perm);
        node.inputs = [first.inputs[0]!];
        node.attributes = { ...node.attributes, perm: attr.ints(perm) };
        rewrites++;
      }
    }
    if (isIdentityPerm(perm) && !outs.has(node.outputs[0]!)) {
      replaceInputs(graph, node.outputs[0]!, node.inputs[0]!);
      dead.add(node);
      rewrites++;
    }
  }
  removeNodes(graph, dead);
  return rewrites;
}
