/**
 * Training throughput of one benchmark model on the active tfjs backend (webgpu for bench:gpu),
 * stepped the way onnxline's training loop steps on webgpu: a batch uploaded from the host every
 * step, Adam, categorical cross-entropy, and the loss left on the GPU and read back 16 steps at a
 * time (pipeline/train/device-step.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { BenchModel } from '../../models/bench-models.ts';
import { PendingScalars, trainOnBatchOnDevice } from '../train/device-step.ts';
import { uniformValues } from '../train/seeded-random.ts';

export interface TrainFigure {
  model: string;
  batch: number;
  /** Timed steps (after the warm-up steps). */
  steps: number;
  samplesPerSec: number;
  /** The last training loss: finite, or the figure is meaningless. */
  loss: number;
}


/**
 * Trains `spec` for `warmup` untimed steps (shader compilation) and then up to `steps` timed
 * steps at `batch`, stopping early after `maxSeconds`; resolves with samples per second.
 */
export async function measureTraining(spec: BenchModel, opts: { batch: number; steps: number; warmup: number; maxSeconds: number }): Promise<TrainFigure> {
  const model = spec.build();
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const size = spec.inputShape.reduce((a, b) => a * b, 1);
  const xs = uniformValues(opts.batch * size, 11);
  const labels = Array.from({ length: opts.batch }, (_, i) => (i * 7) % spec.classes);
  const ys = new Float32Array(opts.batch * spec.classes);
  labels.forEach((l, i) => (ys[i * spec.classes + l] = 1));
  const pending = new PendingScalars();
  let loss = Number.NaN;
  const step = async (): Promise<void> => {
    const x = tf.tensor(xs, [opts.batch, ...spec.inputShape]);
    const y = tf.tensor2d(ys, [opts.batch, spec.classes]);
    pending.push(await trainOnBatchOnDevice(model, x, y), opts.batch);
    tf.dispose([x, y]);
  };
  const drain = async (): Promise<void> => {
    const read = await pending.drain();
    if (read.length) loss = read.at(-1)!.values[0]!;
  };
  for (let i = 0; i < opts.warmup; i++) await step();
  await drain();
  const t0 = performance.now();
  let steps = 0;
  while (steps < opts.steps) {
    await step();
    steps++;
    if (pending.size >= 16 || steps === opts.steps) {
      await drain();
      if ((performance.now() - t0) / 1000 > opts.maxSeconds) break;
    }
  }
  await drain();
  const seconds = (performance.now() - t0) / 1000;
  model.dispose();
  return { model: spec.name, batch: opts.batch, steps, samplesPerSec: (steps * opts.batch) / seconds, loss };
}
