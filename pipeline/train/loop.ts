/**
 * The training loop: seeded shuffling and augmentation, a progress bar per epoch, validation,
 * ReduceLROnPlateau, early stopping, best-weights restore and per-epoch checkpoints with resume.
 */
import * as tf from '@tensorflow/tfjs-core';
import '../tfjs/setup.ts';
import type { NamedTensor } from '@tensorflow/tfjs-core/dist/tensor_types.js';
import * as tfl from '@tensorflow/tfjs-layers';
import type { OutputHead, TrainConfig } from '../recipe.ts';
import type { ImageSet } from '../data/types.ts';
import { augmentBatch } from './augment.ts';
import { cosineLearningRate, initialPlateauState, onEpochEnd } from './callbacks.ts';
import { hasCheckpoint, loadCheckpoint, modelWeights, restoreWeights, saveCheckpoint, type LoopState } from './checkpoint.ts';
import type { EpochRecord } from './history.ts';
import { getLearningRate, makeOptimizer, setLearningRate, withGradientClipping } from './optimizer.ts';
import { epochProgress } from './progress.ts';
import { PendingScalars, evaluateSetOnDevice, trainOnBatchOnDevice } from './device-step.ts';
import { deriveSeed, mulberry32, shuffledIndices, withSeededMathRandom } from './seeded-random.ts';
import { checkHeads, defaultHeads, evaluateHeads, headLossFunctions, headTargets, isPlainSingleHead, type HeadMetrics } from './heads.ts';

export interface TrainOptions {
  model: tfl.LayersModel;
  train: ImageSet;
  validation: ImageSet;
  numClasses: number;
  /** The model's outputs and the label columns they learn (default: one softmax over numClasses on column 0). */
  heads?: OutputHead[];
  config: TrainConfig;
  seed: number;
  /** Where per-epoch checkpoints live; an existing complete checkpoint there is resumed from. */
  checkpointDir?: string;
  /** Pixel transform applied to every batch before augmentation (scaling, polarity). */
  toFloat?: SampleToFloat;
  log?: (line: string) => void;
  /** Show a live progress bar (default: when stderr is a TTY). */
  progress?: boolean;
}

export interface TrainResult {
  history: EpochRecord[];
  /** 0-based index into history of the epoch whose weights the model now holds. */
  bestEpoch: number;
  stoppedEarly: boolean;
  resumedFromEpoch: number;
  trainSeconds: number;
}

/** Turns a batch of stored samples (uint8 pixels or uint16 token ids) into model inputs. */
export type SampleToFloat = (pixels: Uint8Array | Uint16Array, out: Float32Array) => void;

/** Scales uint8 pixels to 0..1 floats. */
export function defaultToFloat(pixels: Uint8Array | Uint16Array, out: Float32Array): void {
  for (let i = 0; i < pixels.length; i++) out[i] = pixels[i]! / 255;
}

/** Copies values unchanged (token ids for an Embedding). */
export function rawToFloat(values: Uint8Array | Uint16Array, out: Float32Array): void {
  out.set(values);
}

/** The conversion an input spec asks for: '0..1' scales pixels, 'none' passes token ids through. */
export function toFloatFor(spec: { scale: '0..1' | 'none' }): SampleToFloat {
  return spec.scale === 'none' ? rawToFloat : defaultToFloat;
}

/** Evaluates loss and accuracy on a whole set, in batches, in inference mode. */
export function evaluateSet(model: tfl.LayersModel, set: ImageSet, numClasses: number, toFloat: TrainOptions['toFloat'], batchSize = 256): { loss: number; acc: number } {
  const [h, w, c] = set.shape;
  const size = h * w * c;
  let lossSum = 0;
  let correct = 0;
  const conv = toFloat ?? defaultToFloat;
  for (let s = 0; s < set.count; s += batchSize) {
    const e = Math.min(set.count, s + batchSize);
    const xs = new Float32Array((e - s) * size);
    conv(set.pixels.subarray(s * size, e * size), xs);
    const [l, a] = tf.tidy(() => {
      const probs = model.predict(tf.tensor4d(xs, [e - s, h, w, c])) as tf.Tensor2D;
      const labels = tf.tensor1d(set.labels.subarray(s, e), 'int32');
      const ce = tf.neg(tf.sum(tf.mul(tf.oneHot(labels, numClasses), tf.log(tf.clipByValue(probs, 1e-7, 1)))));
      const hit = tf.sum(tf.cast(tf.equal(tf.argMax(probs, 1), labels), 'float32'));
      return [ce.dataSync()[0]!, hit.dataSync()[0]!];
    });
    lossSum += l;
    correct += a;
  }
  return { loss: lossSum / set.count, acc: correct / set.count };
}

/** Trains `model` in place and returns the per-epoch history; resumes from a checkpoint when one exists. */
export async function trainModel(opts: TrainOptions): Promise<TrainResult> {
  const { model, train, validation, numClasses, config, seed } = opts;
  const log = opts.log ?? console.log;
  const toFloat = opts.toFloat ?? defaultToFloat;
  const showBar = opts.progress ?? !!process.stderr.isTTY;
  if (config.cosineDecay && config.reduceLrOnPlateau) {
    throw new Error('train.cosineDecay and train.reduceLrOnPlateau both set the learning rate: choose one of them in the recipe');
  }
  // A minimum outside 0..initial is refused here, before the model is compiled or a checkpoint read.
  if (config.cosineDecay) cosineLearningRate(0, config.epochs, config.optimizer.learningRate, config.cosineDecay.minLearningRate);
  const optimizer = withGradientClipping(makeOptimizer(config.optimizer), config);
  const heads = opts.heads ?? defaultHeads(model, numClasses);
  checkHeads(heads, model, train);
  const plain = isPlainSingleHead(heads, train);
  // Weighted or several outputs: per-head loss functions that read the epoch (loss-weight schedules).
  const epochRef = { epoch: 0 };
  // Beyond the plain case the loss is weighted, so the primary output's own cross-entropy is a
  // metric too: the recorded training loss is then on the same scale as the validation loss.
  const primaryCe = (yTrue: tf.Tensor, yPred: tf.Tensor) => tfl.metrics.categoricalCrossentropy(yTrue, yPred);
  model.compile({ optimizer, loss: plain ? 'categoricalCrossentropy' : headLossFunctions(heads, epochRef), metrics: plain ? ['accuracy'] : ['accuracy', primaryCe] });
  // trainOnBatch returns [loss, acc(, ce)] for one output and [loss, loss_1..loss_k, acc_1, ce_1, acc_2, ce_2, …] for k outputs.
  const accIndex = heads.length > 1 ? 1 + heads.length : 1;
  const lossIndex = plain ? 0 : accIndex + 1;

  let state: LoopState = { epochsDone: 0, history: [], plateau: initialPlateauState(), learningRate: config.optimizer.learningRate, stopped: false };
  let best: NamedTensor[] | null = null;
  if (opts.checkpointDir && hasCheckpoint(opts.checkpointDir)) {
    const restored = await loadCheckpoint(opts.checkpointDir, model, optimizer);
    state = restored.state;
    best = restored.best;
    setLearningRate(optimizer, state.learningRate);
    log(`train: resuming from the checkpoint after epoch ${state.epochsDone} (${opts.checkpointDir})`);
  }
  const resumedFromEpoch = state.epochsDone;
  const [h, w, c] = train.shape;
  const size = h * w * c;
  const batchSize = config.batchSize;
  const started = performance.now();
  // On webgpu the step's loss stays on the GPU and is read once per READ_EVERY batches, not after every batch.
  const onDevice = tf.getBackend() === 'webgpu';
  const READ_EVERY = 16;
  if (onDevice && !plain) {
    throw new Error('the webgpu training loop supports one unweighted softmax output learning a single label column; this recipe has several outputs, loss weights or label columns: use --backend wasm');
  }

  while (state.epochsDone < config.epochs && !state.stopped) {
    const epoch = state.epochsDone;
    epochRef.epoch = epoch;
    if (config.cosineDecay) {
      state.learningRate = cosineLearningRate(epoch, config.epochs, config.optimizer.learningRate, config.cosineDecay.minLearningRate);
      setLearningRate(optimizer, state.learningRate);
    }
    const t0 = performance.now();
    const order = shuffledIndices(train.count, deriveSeed(seed, 'shuffle', epoch));
    const rand = mulberry32(deriveSeed(seed, 'augment', epoch));
    const bar = showBar ? epochProgress(epoch + 1, config.epochs, train.count) : null;
    let lossSum = 0;
    let totalLossSum = 0;
    let accSum = 0;
    let seen = 0;
    const pending = new PendingScalars();
    await withSeededMathRandom(deriveSeed(seed, 'dropout', epoch), async () => {
      const xs = new Float32Array(batchSize * size);
      for (let s = 0; s < train.count; s += batchSize) {
        const e = Math.min(train.count, s + batchSize);
        const n = e - s;
        const view = xs.subarray(0, n * size);
        for (let i = 0; i < n; i++) toFloat(train.pixels.subarray(order[s + i]! * size, (order[s + i]! + 1) * size), view.subarray(i * size, (i + 1) * size));
        if (config.augment) augmentBatch(view, n, train.shape, config.augment, rand);
        const x = tf.tensor4d(view, [n, h, w, c]);
        const ys = headTargets(heads, train, order, s, e).map((t) => tf.tensor(t.data, t.shape));
        const y = ys.length === 1 ? ys[0]! : ys;
        if (onDevice) {
          pending.push(await trainOnBatchOnDevice(model, x, ys[0]!), n);
          tf.dispose([x, ...ys]);
          if (pending.size < READ_EVERY && e < train.count) continue;
          for (const r of await pending.drain()) {
            lossSum += r.values[0]! * r.n;
            accSum += r.values[1]! * r.n;
            seen += r.n;
          }
          bar?.update(seen, lossSum / seen, accSum / seen);
          continue;
        }
        const out = (await model.trainOnBatch(x, y)) as number[];
        tf.dispose([x, ...ys]);
        lossSum += out[lossIndex]! * n;
        totalLossSum += out[0]! * n;
        accSum += out[accIndex]! * n;
        seen += n;
        bar?.update(seen, lossSum / seen, accSum / seen);
      }
    });
    bar?.stop();
    let valHeads: HeadMetrics[] | undefined;
    let val: { loss: number; acc: number };
    if (onDevice) val = await evaluateSetOnDevice(model, validation, numClasses, toFloat);
    else if (plain) val = evaluateSet(model, validation, numClasses, toFloat);
    else {
      valHeads = evaluateHeads(model, validation, heads, toFloat);
      val = valHeads[0]!;
    }
    const seconds = (performance.now() - t0) / 1000;
    const lr = getLearningRate(optimizer);
    const record: EpochRecord = {
      epoch: epoch + 1,
      loss: lossSum / seen,
      acc: accSum / seen,
      valLoss: val.loss,
      valAcc: val.acc,
      learningRate: lr,
      seconds,
      samplesPerSec: seen / seconds,
      ...(plain ? {} : { totalLoss: totalLossSum / seen }),
      ...(valHeads && (valHeads.length > 1 || valHeads[0]?.sequenceAcc !== undefined) ? { valHeads } : {}),
    };
    state.history.push(record);
    const decision = onEpochEnd(state.plateau, epoch, val.loss, lr, config);
    const trainedMinutes = state.history.reduce((a, r) => a + r.seconds, 0) / 60;
    if (config.maxMinutes !== undefined && trainedMinutes >= config.maxMinutes && !decision.stop && epoch + 1 < config.epochs) {
      decision.stop = true;
      decision.reason = `time budget: ${trainedMinutes.toFixed(1)} min of training ≥ maxMinutes ${config.maxMinutes}; stopping after epoch ${epoch + 1}`;
    }
    if (decision.improved && config.keepBest) {
      if (best) tf.dispose(best.map((b) => b.tensor));
      best = modelWeights(model).map((wt) => ({ name: wt.name, tensor: tf.clone(wt.tensor) }));
    }
    setLearningRate(optimizer, decision.learningRate);
    state.learningRate = decision.learningRate;
    state.epochsDone = epoch + 1;
    state.stopped = decision.stop;
    log(
      `epoch ${record.epoch}/${config.epochs}  loss ${record.loss.toFixed(4)} acc ${(record.acc * 100).toFixed(2)}%  ` +
        `val_loss ${record.valLoss.toFixed(4)} val_acc ${(record.valAcc * 100).toFixed(2)}%  ` +
        (valHeads && valHeads.length > 1 ? valHeads.slice(1).map((hm) => `${hm.name} ${(hm.acc * 100).toFixed(2)}%  `).join('') : '') +
        (valHeads?.[0]?.sequenceAcc !== undefined ? `val_seq_acc ${(valHeads[0].sequenceAcc * 100).toFixed(2)}%  ` : '') +
        `${Math.round(record.samplesPerSec)} samples/s  ${seconds.toFixed(1)} s${decision.improved ? '  *best' : ''}`,
    );
    if (decision.reason) log(`train: ${decision.reason}`);
    if (opts.checkpointDir) await saveCheckpoint(opts.checkpointDir, model, optimizer, state, best);
  }

  const bestEpoch = config.keepBest && best ? state.plateau.bestEpoch : state.history.length - 1;
  if (config.keepBest && best) {
    restoreWeights(model, best, 'best weights');
    log(`train: restored the weights of epoch ${bestEpoch + 1} (lowest val loss ${state.plateau.best.toFixed(4)})`);
  }
  if (best) tf.dispose(best.map((b) => b.tensor));
  return {
    history: state.history,
    bestEpoch,
    stoppedEarly: state.stopped,
    resumedFromEpoch,
    trainSeconds: (performance.now() - started) / 1000,
  };
}
