/**
 * Inference throughput of an ONNX model on one onnxruntime-node execution provider (webgpu or
 * cpu) at a given batch size: what the server's session worker runs for each dynamic batch.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';

export interface ServeFigure {
  provider: 'webgpu' | 'cpu';
  batch: number;
  runs: number;
  msPerRun: number;
  samplesPerSec: number;
}

/** The newest `<repository>/<name>/<version>/model.onnx`, or null when there is none. */
export function newestPublished(repository: string, name: string): { path: string; version: number } | null {
  const dir = join(repository, name);
  if (!existsSync(dir)) return null;
  const versions = readdirSync(dir).filter((d) => /^\d+$/.test(d) && existsSync(join(dir, d, 'model.onnx'))).map(Number).sort((a, b) => b - a);
  return versions.length ? { path: join(dir, String(versions[0]), 'model.onnx'), version: versions[0]! } : null;
}

/** The ONNX model to serve: the newest published digits, else a freshly built (untrained) digits CNN exported by onnxline's exporter. */
export async function digitsOnnx(repository: string): Promise<{ bytes: Uint8Array; source: string }> {
  const published = newestPublished(repository, 'digits');
  if (published) return { bytes: new Uint8Array(readFileSync(published.path)), source: `${published.path} (published version ${published.version})` };
  const { digits } = await import('../../models/digits.ts');
  const { exportLayersModel } = await import('../export/index.ts');
  const model = digits.build();
  const { bytes } = exportLayersModel(model);
  model.dispose();
  return { bytes, source: 'models/digits.ts, freshly built and exported (untrained weights: the same compute)' };
}

/**
 * Creates a session on `provider`, warms it up, then runs batches of `batch` random inputs at
 * least `minRuns` times and until `seconds` have passed; resolves with ms per run and samples/s.
 */
export async function measureProvider(bytes: Uint8Array, provider: 'webgpu' | 'cpu', batch: number, opts: { minRuns: number; seconds: number; warmup: number }): Promise<ServeFigure> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: [provider], graphOptimizationLevel: 'all' });
  try {
    const meta = session.inputMetadata[0]!;
    if (!meta.isTensor || meta.type !== 'float32') throw new Error(`${meta.name}: bench:gpu feeds float32 tensors only`);
    const dims = meta.shape.map((d, i) => (i === 0 ? batch : typeof d === 'number' && d > 0 ? d : 1));
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1)).map((_, i) => ((i * 2654435761) % 1000) / 1000);
    const feeds = { [meta.name]: new ort.Tensor('float32', data, dims) };
    for (let i = 0; i < opts.warmup; i++) await session.run(feeds);
    let runs = 0;
    const t0 = performance.now();
    while (runs < opts.minRuns || performance.now() - t0 < opts.seconds * 1000) {
      await session.run(feeds);
      runs++;
    }
    const ms = (performance.now() - t0) / runs;
    return { provider, batch, runs, msPerRun: ms, samplesPerSec: (batch * 1000) / ms };
  } finally {
    await session.release();
  }
}
