/**
 * Opset-aware node builders for the ops whose signature changed between opset 13 and 21
 * (reductions taking `axes` as an input from opset 18, ...), plus small constant helpers.
 * Converters use these instead of hand-writing version checks.
 */
import { attr } from './graph.ts';
import type { Graph } from './graph.ts';

/** A float scalar initializer (dims []). */
export function scalarF(g: Graph, name: string, value: number): string {
  return g.addFloat(name, [], [value]);
}

/** Reductions whose `axes` became an input in opset 18 (ReduceSum already in opset 13). */
const AXES_INPUT_SINCE: Record<string, number> = {
  ReduceSum: 13,
  ReduceMean: 18,
  ReduceMax: 18,
  ReduceMin: 18,
  ReduceProd: 18,
  ReduceL1: 18,
  ReduceL2: 18,
  ReduceLogSum: 18,
  ReduceLogSumExp: 18,
  ReduceSumSquare: 18,
};

/** `op(x)` over `axes` (physical), with `keepdims`, written for `opset`. */
export function reduce(g: Graph, opset: number, op: keyof typeof AXES_INPUT_SINCE, x: string, axes: number[], keepdims: boolean, name: string): string {
  const since = AXES_INPUT_SINCE[op]!;
  if (opset >= since) {
    const axesName = g.addInt64(`${name}/axes`, axes);
    return g.add(op, [x, axesName], { keepdims: attr.int(keepdims ? 1 : 0) }, name);
  }
  return g.add(op, [x], { axes: attr.ints(axes), keepdims: attr.int(keepdims ? 1 : 0) }, name);
}

/** Unsqueeze (axes as an input since opset 13, the minimum onnxline writes). */
export function unsqueeze(g: Graph, x: string, axes: number[], name: string): string {
  return g.add('Unsqueeze', [x, g.addInt64(`${name}/axes`, axes)], {}, name);
}

/** Squeeze (axes as an input since opset 13). */
export function squeeze(g: Graph, x: string, axes: number[], name: string): string {
  return g.add('Squeeze', [x, g.addInt64(`${name}/axes`, axes)], {}, name);
}

/** Clip(x, min, max) with min/max as scalar inputs (opset ≥ 11); `null` leaves a bound open. */
export function clip(g: Graph, x: string, min: number | null, max: number | null, name: string): string {
  const lo = min === null ? '' : scalarF(g, `${name}/min`, min);
  const hi = max === null ? '' : scalarF(g, `${name}/max`, max);
  const inputs = hi ? [x, lo, hi] : lo ? [x, lo] : [x];
  return g.add('Clip', inputs, {}, name);
}

/** Reshape(x, shape) with a constant int64 shape. */
export function reshape(g: Graph, x: string, shape: number[], name: string): string {
  return g.add('Reshape', [x, g.addInt64(`${name}/shape`, shape)], {}, name);
}
