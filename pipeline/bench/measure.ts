/**
 * Throughput measurement of one tfjs model on the active backend: training steps (Adam as
 * recipes get it, categorical cross-entropy, trainOnBatch as onnxline's training loop calls it) and inference
 * (predict) on random data, plus a per-kernel profile of one training step.
 */
import * as tf from '@tensorflow/tfjs';
import type { BenchModel } from '../../models/bench-models.ts';
import { makeOptimizer } from '../train/optimizer.ts';

export interface ThroughputOptions {
  batch: number;
  /** Samples per timed pass (rounded up to whole batches), like torch_reference.py's --samples. */
  samples: number;
  /** Stop a timed pass early once this many seconds have gone by (slow backends); at least one step runs. */
  maxSeconds: number;
}

export interface Throughput {
  trainSamplesPerSec: number;
  inferSamplesPerSec: number;
  /** Timed training steps (after the warm-up) and inference batches. */
  trainSteps: number;
  inferBatches: number;
  /** The last training loss: finite, or the measurement is meaningless. */
  loss: number;
}

/** A fresh `spec` model compiled as recipes train it (Adam 1e-3, categorical cross-entropy). */
function compiledModel(spec: BenchModel): tf.LayersModel {
  const model = spec.build();
  model.compile({ optimizer: makeOptimizer({ name: 'adam', learningRate: 1e-3 }), loss: 'categoricalCrossentropy' });
  return model;
}

function randomBatch(spec: BenchModel, batch: number, seed: number): { x: tf.Tensor; y: tf.Tensor } {
  const x = tf.randomNormal([batch, ...spec.inputShape], 0, 1, 'float32', seed);
  const y = tf.oneHot(tf.randomUniform([batch], 0, spec.classes, 'int32', seed + 1) as tf.Tensor1D, spec.classes);
  return { x, y };
}

/** Times `step` over up to `count` calls or `maxSeconds`, whichever ends first; returns [calls, seconds]. */
async function timed(count: number, maxSeconds: number, step: (i: number) => Promise<void>): Promise<[number, number]> {
  const t0 = performance.now();
  let done = 0;
  while (done < count) {
    await step(done);
    done++;
    if ((performance.now() - t0) / 1000 >= maxSeconds) break;
  }
  return [done, (performance.now() - t0) / 1000];
}

/**
 * Training and inference samples/s of `spec` at batch `opts.batch` on tfjs's active backend,
 * measured after warm-up steps on a few distinct random batches.
 */
export async function measureThroughput(spec: BenchModel, opts: ThroughputOptions): Promise<Throughput> {
  const model = compiledModel(spec);
  const batches = Array.from({ length: 4 }, (_, i) => randomBatch(spec, opts.batch, 10 + 2 * i));
  const steps = Math.max(1, Math.ceil(opts.samples / opts.batch));
  let loss = NaN;
  const train = async (i: number) => {
    const b = batches[i % batches.length]!;
    loss = (await model.trainOnBatch(b.x, b.y)) as number;
  };
  // Two warm-up steps (the first compiles and allocates), one where a step takes longer than 5 s.
  const w0 = performance.now();
  await train(0);
  if (performance.now() - w0 < 5000) await train(1);
  const [trainSteps, trainSec] = await timed(steps, opts.maxSeconds, train);
  const infer = async (i: number) => {
    const out = model.predict(batches[i % batches.length]!.x, { batchSize: opts.batch }) as tf.Tensor;
    await out.data();
    out.dispose();
  };
  await infer(0);
  const [inferBatches, inferSec] = await timed(steps, opts.maxSeconds, infer);
  for (const b of batches) tf.dispose([b.x, b.y]);
  model.dispose();
  return {
    trainSamplesPerSec: (trainSteps * opts.batch) / trainSec,
    inferSamplesPerSec: (inferBatches * opts.batch) / inferSec,
    trainSteps,
    inferBatches,
    loss,
  };
}

export interface KernelTime {
  kernel: string;
  calls: number;
  ms: number;
}

/** Per-kernel time of one training step of `spec` (tf.profile; profiling adds overhead), largest first. */
export async function profileTrainStep(spec: BenchModel, batch: number): Promise<{ kernels: KernelTime[]; wallMs: number }> {
  const model = compiledModel(spec);
  const { x, y } = randomBatch(spec, batch, 3);
  await model.trainOnBatch(x, y);
  const t0 = performance.now();
  const info = await tf.profile(async () => {
    await model.trainOnBatch(x, y);
  });
  const wallMs = performance.now() - t0;
  const byName = new Map<string, KernelTime>();
  for (const k of info.kernels) {
    const e = byName.get(k.name) ?? { kernel: k.name, calls: 0, ms: 0 };
    e.calls++;
    e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    byName.set(k.name, e);
  }
  tf.dispose([x, y]);
  model.dispose();
  return { kernels: [...byName.values()].sort((a, b) => b.ms - a.ms), wallMs };
}
