/**
 * Creating a warmed-up onnxruntime session (in a worker thread) for one model version, and
 * describing its inputs and outputs as v2 tensor specs read from the model itself.
 */
import type * as ort from 'onnxruntime-node';
import type { TensorSpec } from '../../pipeline/publish/config.ts';
import { allocate, elementCount, v2FromOrt } from '../v2/datatypes.ts';
import type { ExecutionProvider } from './device.ts';
import { WorkerSession } from './worker-session.ts';

export interface SessionOptions {
  providers: ExecutionProvider[];
  /** Threads inside one operator (0 = onnxruntime's default). */
  intraOpThreads: number;
  /** Threads across operators (0 = default). */
  interOpThreads: number;
  /** Let idle onnxruntime threads spin (lower latency on an idle machine, CPU taken from the event loop). */
  spinning?: boolean;
  log: (line: string) => void;
}

export interface CreatedSession {
  session: WorkerSession;
  provider: ExecutionProvider;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

function specs(label: string, meta: readonly ort.InferenceSession.ValueMetadata[]): TensorSpec[] {
  return meta.map((m) => {
    if (!m.isTensor) throw new Error(`${label} "${m.name}" is not a tensor; onnxline serves tensor inputs and outputs only`);
    const datatype = v2FromOrt(m.type);
    if (!datatype) throw new Error(`${label} "${m.name}" has type ${m.type}, which the v2 protocol cannot carry`);
    return { name: m.name, datatype, shape: m.shape.map((d) => (typeof d === 'number' && d > 0 ? d : -1)) };
  });
}

/** Runs every input filled with zeros (dynamic dimensions as 1) once, so the first request isn't slow. */
export async function warmUp(session: WorkerSession, inputs: TensorSpec[]): Promise<void> {
  await session.run(inputs.map((i) => {
    const shape = i.shape.map((d) => (d < 0 ? 1 : d));
    return { name: i.name, datatype: i.datatype, shape, data: allocate(i.datatype, elementCount(shape)) };
  }));
}

/**
 * Creates a session on the first provider that works (logging why one was skipped), reads its IO
 * and warms it up. Throws with the model path when the model can't be loaded or run.
 */
export async function createSession(path: string, bytes: Uint8Array, opts: SessionOptions): Promise<CreatedSession> {
  let lastError: unknown;
  for (const provider of opts.providers) {
    let session: WorkerSession | undefined;
    try {
      session = await WorkerSession.create(bytes, {
        executionProviders: [provider],
        graphOptimizationLevel: 'all',
        ...(opts.intraOpThreads > 0 ? { intraOpNumThreads: opts.intraOpThreads } : {}),
        ...(opts.interOpThreads > 0 ? { interOpNumThreads: opts.interOpThreads } : {}),
        // Idle onnxruntime threads spinning for work would take CPU from the event loop that parses requests.
        ...(opts.spinning ? {} : { extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } } }),
      });
    } catch (err) {
      lastError = err;
      if (provider !== opts.providers.at(-1)) opts.log(`device: ${provider} failed for ${path} (${(err as Error).message.split('\n')[0]}); trying the next provider`);
      continue;
    }
    try {
      const inputs = specs('input', session.inputMetadata);
      const outputs = specs('output', session.outputMetadata);
      await warmUp(session, inputs);
      return { session, provider, inputs, outputs };
    } catch (err) {
      await session.release().catch(() => undefined);
      throw new Error(`${path}: loaded but the warm-up run failed: ${(err as Error).message}`);
    }
  }
  throw new Error(`${path}: onnxruntime cannot load this model: ${(lastError as Error)?.message ?? 'unknown error'}`);
}
