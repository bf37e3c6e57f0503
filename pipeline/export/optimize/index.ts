/**
 * The optimizer: graph-level clean-ups run after conversion, each switchable. Every pass keeps
 * the graph's meaning exactly (up to float rounding from BN folding) and its topological order.
 */
import type { Graph } from '../graph.ts';
import { foldConstants } from './constants.ts';
import { foldBatchNorm } from './fold-batchnorm.ts';
import { cancelTransposes } from './transpose.ts';
import { removeIdentity } from './identity.ts';
import { dedupInitializers } from './dedup.ts';
import { eliminateDeadCode } from './graph-utils.ts';

export interface OptimizeOptions {
  /** Fold BatchNormalization into the preceding Conv/ConvTranspose/Gemm (only when it is the sole consumer). */
  foldBatchNorm: boolean;
  /** Remove Identity nodes. */
  removeIdentity: boolean;
  /** Merge consecutive Transposes and drop those that compose to the identity. */
  cancelTransposes: boolean;
  /** Evaluate all-constant shape arithmetic (Shape/Gather/Concat/Reshape/...) into initializers. */
  foldConstants: boolean;
}

export const ALL_OPTIMIZATIONS: OptimizeOptions = { foldBatchNorm: true, removeIdentity: true, cancelTransposes: true, foldConstants: true };
export const NO_OPTIMIZATIONS: OptimizeOptions = { foldBatchNorm: false, removeIdentity: false, cancelTransposes: false, foldConstants: false };

/** `true`/undefined → all passes, `false` → none, an object → the passes it enables (others on). */
export function resolveOptimizeOptions(opt: boolean | Partial<OptimizeOptions> | undefined): OptimizeOptions {
  if (opt === undefined || opt === true) return { ...ALL_OPTIMIZATIONS };
  if (opt === false) return { ...NO_OPTIMIZATIONS };
  for (const key of Object.keys(opt)) {
    if (!(key in ALL_OPTIMIZATIONS)) throw new Error(`unknown optimization "${key}"; known: ${Object.keys(ALL_OPTIMIZATIONS).join(', ')}`);
  }
  return { ...ALL_OPTIMIZATIONS, ...opt };
}

export interface OptimizeStats {
  constantsFolded: number;
  batchNormsFolded: number;
  transposeRewrites: number;
  identitiesRemoved: number;
  deadNodesRemoved: number;
  initializersDeduplicated: number;
}

/** Runs the enabled passes to a fixed point, then dead-code elimination and initializer dedup (always). */
export function optimizeGraph(graph: Graph, options: OptimizeOptions): OptimizeStats {
  const stats: OptimizeStats = { constantsFolded: 0, batchNormsFolded: 0, transposeRewrites: 0, identitiesRemoved: 0, deadNodesRemoved: 0, initializersDeduplicated: 0 };
  for (let round = 0; round < 10; round++) {
    let changed = 0;
    if (options.foldConstants) changed += track(() => foldConstants(graph), (n) => (stats.constantsFolded += n));
    if (options.foldBatchNorm) changed += track(() => foldBatchNorm(graph), (n) => (stats.batchNormsFolded += n));
    if (options.cancelTransposes) changed += track(() => cancelTransposes(graph), (n) => (stats.transposeRewrites += n));
    if (options.removeIdentity) changed += track(() => removeIdentity(graph), (n) => (stats.identitiesRemoved += n));
    changed += track(() => eliminateDeadCode(graph), (n) => (stats.deadNodesRemoved += n));
    if (changed === 0) break;
  }
  stats.initializersDeduplicated = dedupInitializers(graph);
  return stats;
}

function track(run: () => number, add: (n: number) => void): number {
  const n = run();
  add(n);
  return n;
}
