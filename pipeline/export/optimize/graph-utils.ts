/**
 * Graph queries and rewrites shared by the optimizer passes: who produces / consumes a value,
 * renaming a value everywhere, and dead-code elimination.
 */
import type { Graph, GraphNode } from '../graph.ts';

/** Value name → the node producing it. */
export function producers(graph: Graph): Map<string, GraphNode> {
  const m = new Map<string, GraphNode>();
  for (const n of graph.nodes) for (const o of n.outputs) if (o) m.set(o, n);
  return m;
}

/** Value name → the nodes reading it (a node reading a value twice appears twice). */
export function consumers(graph: Graph): Map<string, GraphNode[]> {
  const m = new Map<string, GraphNode[]>();
  for (const n of graph.nodes) {
    for (const i of n.inputs) {
      if (!i) continue;
      const list = m.get(i);
      if (list) list.push(n);
      else m.set(i, [n]);
    }
  }
  return m;
}

/** Names of the graph outputs. */
export function outputNames(graph: Graph): Set<string> {
  return new Set(graph.outputs.map((o) => o.name));
}

/** Number of places reading `value`: node inputs plus graph outputs. */
export function useCount(graph: Graph, cons: Map<string, GraphNode[]>, value: string): number {
  return (cons.get(value)?.length ?? 0) + graph.outputs.filter((o) => o.name === value).length;
}

/** Makes every node input reading `from` read `to` instead. */
export function replaceInputs(graph: Graph, from: string, to: string): void {
  for (const n of graph.nodes) n.inputs = n.inputs.map((i) => (i === from ? to : i));
}

/** Removes the given nodes (by identity). */
export function removeNodes(graph: Graph, dead: Set<GraphNode>): void {
  if (dead.size === 0) return;
  const keep = graph.nodes.filter((n) => !dead.has(n));
  graph.nodes.length = 0;
  graph.nodes.push(...keep);
}

/** Removes nodes whose outputs nobody reads, then initializers nobody reads. Returns nodes removed. */
export function eliminateDeadCode(graph: Graph): number {
  const live = new Set(graph.outputs.map((o) => o.name));
  const keep: GraphNode[] = [];
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const n = graph.nodes[i]!;
    if (n.outputs.some((o) => live.has(o))) {
      keep.push(n);
      for (const inp of n.inputs) if (inp) live.add(inp);
    }
  }
  const removed = graph.nodes.length - keep.length;
  keep.reverse();
  graph.nodes.length = 0;
  graph.nodes.push(...keep);
  for (const name of [...graph.initializers.keys()]) if (!live.has(name)) graph.initializers.delete(name);
  return removed;
}

/** The node inserted before `anchor` (keeps topological order when a pass adds a node). */
export function insertBefore(graph: Graph, anchor: GraphNode, node: GraphNode): void {
  const i = graph.nodes.indexOf(anchor);
  graph.nodes.splice(i < 0 ? graph.nodes.length : i, 0, node);
}
