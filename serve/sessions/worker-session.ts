/**
 * An onnxruntime session that lives in a worker thread (ort-worker.mjs): onnxruntime-node's run()
 * is synchronous on the calling thread, so running it in a worker keeps the server's event loop
 * free to parse and answer requests while the model computes.
 */
import { Worker } from 'node:worker_threads';
import type * as ort from 'onnxruntime-node';
import { ORT_TYPE, type Tensor } from '../v2/datatypes.ts';

interface WorkerTensor {
  name: string;
  type: string;
  dims: number[];
  data: Tensor['data'];
}

type Reply =
  | { op: 'ready'; inputs: ort.InferenceSession.ValueMetadata[]; outputs: ort.InferenceSession.ValueMetadata[] }
  | { op: 'result'; id: number; outputs: WorkerTensor[] }
  | { op: 'error'; id?: number; message: string };

const WORKER_URL = new URL('./ort-worker.mjs', import.meta.url);

function transferable(data: Tensor['data']): ArrayBuffer[] {
  return ArrayBuffer.isView(data) && data.byteOffset === 0 && data.buffer instanceof ArrayBuffer && data.byteLength === data.buffer.byteLength ? [data.buffer] : [];
}

/**
 * onnxruntime's WebGPU provider gives every session of a process the same device, and two worker
 * threads encoding commands on it at once break each other's command buffers ("Command encoding
 * already finished", seen once in a test while a new version warmed up beside the one serving;
 * onnxruntime issue #32561 reports crashes from the same sharing). Its sessions therefore take
 * turns: one creation, run or release at a time, in order.
 */
let webgpuTurn: Promise<unknown> = Promise.resolve();

/** Runs `work` after every earlier WebGPU session call has settled when `shared`; at once otherwise. */
function inTurn<T>(shared: boolean, work: () => Promise<T>): Promise<T> {
  if (!shared) return work();
  const result = webgpuTurn.then(work, work);
  webgpuTurn = result.catch(() => undefined);
  return result;
}

/** Whether a session with these options runs on the WebGPU device that the process's sessions share. */
function usesSharedDevice(options: ort.InferenceSession.SessionOptions): boolean {
  return (options.executionProviders ?? []).some((p) => (typeof p === 'string' ? p : p.name) === 'webgpu');
}

export class WorkerSession {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (t: WorkerTensor[]) => void; reject: (e: Error) => void }>();
  private dead: Error | undefined;

  private constructor(
    private readonly worker: Worker,
    readonly inputMetadata: readonly ort.InferenceSession.ValueMetadata[],
    readonly outputMetadata: readonly ort.InferenceSession.ValueMetadata[],
    private readonly sharedDevice: boolean,
  ) {
    worker.on('message', (m: Reply) => {
      if (m.op === 'ready' || m.id === undefined) return;
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.op === 'result') p?.resolve(m.outputs);
      else p?.reject(new Error(m.message));
    });
    const fail = (err: Error) => {
      this.dead = err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the onnxruntime worker exited (code ${code})`)));
  }

  /** Starts a worker and creates the session in it; rejects with onnxruntime's message when it can't. */
  static async create(bytes: Uint8Array, options: ort.InferenceSession.SessionOptions): Promise<WorkerSession> {
    const worker = new Worker(WORKER_URL);
    worker.unref();
    const shared = usesSharedDevice(options);
    try {
      const ready = await inTurn(
        shared,
        () =>
          new Promise<Extract<Reply, { op: 'ready' }>>((resolve, reject) => {
            worker.once('message', (m: Reply) => (m.op === 'ready' ? resolve(m) : reject(new Error(m.op === 'error' ? m.message : 'unexpected reply'))));
            worker.once('error', reject);
            const copy = bytes.slice();
            worker.postMessage({ op: 'init', bytes: copy, options }, [copy.buffer]);
          }),
      );
      return new WorkerSession(worker, ready.inputs, ready.outputs, shared);
    } catch (err) {
      await worker.terminate();
      throw err;
    }
  }

  /** Runs the model on `inputs` (their buffers may be transferred: don't use them afterwards); resolves with every output. */
  run(inputs: Tensor[]): Promise<WorkerTensor[]> {
    const feeds = inputs.map((t) => ({ name: t.name, type: ORT_TYPE[t.datatype], dims: t.shape, data: t.data }));
    return inTurn(this.sharedDevice, () => {
      if (this.dead) return Promise.reject(this.dead);
      const id = this.nextId++;
      return new Promise<WorkerTensor[]>((resolve, reject) => {
        this.pending.set(id, { resolve, reject });
        this.worker.postMessage({ op: 'run', id, feeds }, inputs.flatMap((t) => transferable(t.data)));
      });
    });
  }

  /** Releases the session and ends the worker. */
  release(): Promise<void> {
    return inTurn(this.sharedDevice, async () => {
      if (this.dead) return;
      this.worker.postMessage({ op: 'release' });
      await new Promise<void>((r) => {
        const timer = setTimeout(() => void this.worker.terminate().then(() => r()), 2000);
        this.worker.once('exit', () => {
          clearTimeout(timer);
          r();
        });
      });
    });
  }
}
