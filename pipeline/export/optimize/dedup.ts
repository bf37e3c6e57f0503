/**
 * Merges byte-identical initializers (same type, shape and data) into one — a shared layer
 * applied twice, or scalars every activation adds, are then stored once.
 */
import { createHash } from 'node:crypto';
import type { Graph } from '../graph.ts';
import { rawBytes } from '../encode.ts';

/** Deduplicates initializers; returns how many were dropped. Graph inputs/outputs are never renamed. */
export function dedupInitializers(graph: Graph): number {
  const seen = new Map<string, string>();
  const renames = new Map<string, string>();
  const pinned = new Set([...graph.outputs.map((o) => o.name), ...graph.inputs.map((i) => i.name)]);
  for (const [name, t] of graph.initializers) {
    if (pinned.has(name)) continue;
    const h = createHash('sha1').update(`${t.dataType}|${t.dims.join(',')}|`).update(rawBytes(t)).digest('hex');
    const first = seen.get(h);
    if (first === undefined) seen.set(h, name);
    else renames.set(name, first);
  }
  if (renames.size === 0) return 0;
  for (const n of graph.nodes) n.inputs = n.inputs.map((i) => renames.get(i) ?? i);
  for (const name of renames.keys()) graph.initializers.delete(name);
  return renames.size;
}
