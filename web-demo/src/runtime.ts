/**
 * Running a model in the browser with onnxruntime-web: WebGPU when the browser has a usable
 * adapter, otherwise (or when the WebGPU session fails) the wasm backend. The runtime files come
 * from this site's /ort/ folder (copied from the npm package at build time), so it works offline.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-web/wasm';
import type { DemoModel } from './models.ts';

type Ort = typeof import('onnxruntime-web/wasm');

/** An inference session on one model and the execution provider that runs it. */
export interface LoadedSession {
  model: DemoModel;
  provider: 'webgpu' | 'wasm';
  session: InferenceSession;
  ort: Ort;
}

function configure(ort: Ort): Ort {
  ort.env.wasm.wasmPaths = new URL('ort/', document.baseURI).href;
  // Threads need cross-origin isolation (SharedArrayBuffer); a 28×28 model is fastest on one anyway.
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
  return ort;
}

async function hasWebGpu(): Promise<boolean> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return false;
  try {
    return (await gpu.requestAdapter()) != null;
  } catch {
    return false;
  }
}

/** Downloads the model and opens a session on the best provider this browser has. */
export async function loadSession(model: DemoModel): Promise<LoadedSession> {
  const res = await fetch(model.onnxUrl);
  if (!res.ok) throw new Error(`could not download ${model.onnxUrl} (${res.status}); is the model still published?`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (await hasWebGpu()) {
    try {
      const ort = configure((await import('onnxruntime-web/webgpu')) as unknown as Ort);
      const session = await ort.InferenceSession.create(bytes, { executionProviders: ['webgpu'] });
      return { model, provider: 'webgpu', session, ort };
    } catch (err) {
      console.warn(`WebGPU session failed, using wasm: ${(err as Error).message}`);
    }
  }
  const ort = configure(await import('onnxruntime-web/wasm'));
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  return { model, provider: 'wasm', session, ort };
}

/** Runs the session on one preprocessed image; returns the probabilities and the run time in ms. */
export async function runOnce(s: LoadedSession, data: Float32Array): Promise<{ probabilities: Float32Array; ms: number }> {
  const shape = s.model.input.shape.map((d) => (d < 0 ? 1 : d));
  const feeds: Record<string, Tensor> = { [s.model.input.name]: new s.ort.Tensor('float32', data, shape) };
  const t0 = performance.now();
  const out = await s.session.run(feeds);
  const ms = performance.now() - t0;
  const tensor = out[s.model.output.name] ?? Object.values(out)[0];
  if (!tensor) throw new Error(`model "${s.model.name}" returned no output`);
  return { probabilities: Float32Array.from(tensor.data as Float32Array), ms };
}

/**
 * At most one `session.run` at a time: a request made while one runs replaces any waiting one
 * (intermediate frames are dropped), and the newest request always runs in the end.
 */
export class LatestOnlyRunner<I, O> {
  private busy = false;
  private waiting: { input: I } | null = null;

  constructor(
    private readonly work: (input: I) => Promise<O>,
    private readonly done: (input: I, output: O) => void,
    private readonly failed: (err: unknown) => void,
  ) {}

  /** Asks for a run on `input`; returns at once. */
  request(input: I): void {
    this.waiting = { input };
    if (!this.busy) void this.pump();
  }

  /** True when nothing runs and nothing waits. */
  get idle(): boolean {
    return !this.busy && this.waiting === null;
  }

  /** Forgets a waiting request (e.g. after Clear). */
  cancel(): void {
    this.waiting = null;
  }

  private async pump(): Promise<void> {
    this.busy = true;
    while (this.waiting) {
      const { input } = this.waiting;
      this.waiting = null;
      try {
        this.done(input, await this.work(input));
      } catch (err) {
        this.failed(err);
      }
    }
    this.busy = false;
  }
}
