/**
 * `window.__onnxline`: a stable debug hook for tests and benchmarks — the last run's exact
 * input pixels, tensor and output, readiness, and a timing helper. Not used by the page itself.
 */
import type { DrawingPad } from './pad.ts';
import type { Ranked } from './view.ts';

/** One browser inference, with exactly what went in and came out. */
export interface LastRun {
  epoch: number;
  model: string;
  provider: string;
  gray: { width: number; height: number; pixels: Uint8Array };
  tensor: Float32Array;
  probabilities: Float32Array;
  ms: number;
  ranked: Ranked[];
}

export interface DebugHook {
  ready: boolean;
  model: string;
  provider: string;
  runs: number;
  /** performance.now() (ms since navigation) when the first prediction was shown. */
  firstPredictionMs: number | null;
  last: LastRun | null;
  pad: DrawingPad | null;
  /** True when no inference runs or waits. */
  idle(): boolean;
  /** The model-facing drawing as a PNG data URL (what "compare with server" sends). */
  pngDataUrl(): string;
  /** Times `runs` session.run calls on the last input (after the page has predicted once); ms per run. */
  bench(runs: number): Promise<number[]>;
}

/** Creates the hook and puts it on `window.__onnxline`. */
export function installDebugHook(): DebugHook {
  const hook: DebugHook = {
    ready: false,
    model: '',
    provider: '',
    runs: 0,
    firstPredictionMs: null,
    last: null,
    pad: null,
    idle: () => true,
    pngDataUrl: () => hook.pad?.work.toDataURL('image/png') ?? '',
    bench: () => Promise.reject(new Error('no model is loaded yet')),
  };
  (window as unknown as { __onnxline: DebugHook }).__onnxline = hook;
  return hook;
}
