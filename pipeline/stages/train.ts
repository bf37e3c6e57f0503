/**
 * The `train` stage: picks the backend, trains the recipe's model on the data stage's split with
 * per-epoch checkpoints (resumable), saves the LayersModel, and evaluates it on the test split.
 */
import { rm, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { leaveGpuBackend, selectBackend } from '../train/backend.ts';
import { trainModel } from '../train/loop.ts';
import { classificationReport, predictClasses, predictProbabilities } from '../train/evaluate.ts';
import { loadLayersModel, saveLayersModel } from '../tfjs/model-io.ts';
import { writeFileAtomic, writeJsonAtomic } from '../runner/atomic.ts';
import { hashJson } from '../runner/hash.ts';
import { trainingCurvesPng } from '../charts/training-curves.ts';
import { confusionMatrixPng } from '../charts/confusion-matrix.ts';
import { misclassifiedPng } from '../charts/misclassified.ts';
import { withSeededMathRandom, deriveSeed } from '../train/seeded-random.ts';
import { labelWidth, subset } from '../data/imageset.ts';
import { evaluateHeads } from '../train/heads.ts';
import { toFloatFor } from '../train/loop.ts';
import type { ImageSet } from '../data/types.ts';
import type { ResolvedConfig, Stage } from '../runner/stage.ts';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Recipe } from '../recipe.ts';
import { DATASET_FILE, readDatasetFile } from './data.ts';

export const MODEL_DIR = 'train/model';
export const MODEL_JSON = 'train/model/model.json';

export const trainStage: Stage = {
  name: 'train',
  description: 'train the model with TensorFlow.js',
  inputs: () => [DATASET_FILE],
  outputs: (c) => [MODEL_DIR, 'train/history.json', 'train/evaluation.json', 'train/curves.png', 'train/confusion.png', ...(drawsSamples(c) ? [MISCLASSIFIED_PNG] : [])],
  configSlice: (c) => ({ train: c.train, arch: c.architectureHash, limit: c.trainLimit, seed: c.seed, backend: c.backend, labels: c.labels, outputs: c.outputs }),
  // A run trained before misclassified.png existed gets the picture from its saved model, not by retraining.
  derived: {
    outputs: (c) => (drawsSamples(c) ? [MISCLASSIFIED_PNG] : []),
    async write(ctx) {
      const { recipe, config, log } = ctx;
      if (!drawsSamples(config)) return;
      const backend = await selectBackend(config.backend, log);
      log(`train: backend ${backend.name} — ${backend.detail}`);
      const data = await readDatasetFile(ctx.path(DATASET_FILE));
      const model = await loadLayersModel(ctx.path(MODEL_JSON));
      try {
        const toFloat = toFloatFor(recipe.input);
        const predicted = predictClasses(model, data.test, toFloat);
        await writeMisclassified(ctx.path(MISCLASSIFIED_PNG), recipe, model, data.test, testTruth(recipe, data.test), predicted, toFloat);
      } finally {
        model.dispose();
      }
    },
  },
  async run(ctx) {
    const { recipe, config, log } = ctx;
    const backend = await selectBackend(config.backend, log);
    log(`train: backend ${backend.name} — ${backend.detail}`);
    // The WebGPU adapter (vendor, architecture, description, software or not) is recorded with the backend.
    const backendRecord: NonNullable<typeof ctx.manifest.backend> & Pick<typeof backend, 'adapter'> = { name: backend.name, detail: backend.detail, skipped: backend.skipped, ...(backend.adapter ? { adapter: backend.adapter } : {}) };
    ctx.manifest.backend = backendRecord;

    const data = await readDatasetFile(ctx.path(DATASET_FILE));
    const train = config.trainLimit ? subset(data.train, Array.from({ length: Math.min(config.trainLimit, data.train.count) }, (_, i) => i)) : data.train;
    log(`train: ${train.count} training / ${data.validation.count} validation / ${data.test.count} test samples (${data.source})`);

    // Resume only from a checkpoint made for exactly this config and these inputs.
    const checkpointDir = ctx.path('train/checkpoint');
    const keyPath = ctx.path('train/checkpoint-key.json');
    const record = ctx.manifest.stages.train!;
    const key = hashJson({ config: record.configHash, inputs: record.inputs });
    const keyMatches = existsSync(keyPath) && (JSON.parse(await readFile(keyPath, 'utf8')) as { key: string }).key === key;
    if (!keyMatches || ctx.options.force) {
      await rm(checkpointDir, { recursive: true, force: true });
      await writeJsonAtomic(keyPath, { key });
    }

    const toFloat = toFloatFor(recipe.input);
    const model = await withSeededMathRandom(deriveSeed(config.seed, 'init'), () => recipe.build(pixelStatistics(train)));
    const params = model.countParams();
    log(`train: ${recipe.name} has ${params.toLocaleString('en-US')} parameters`);
    const result = await trainModel({
      model,
      train,
      validation: data.validation,
      numClasses: recipe.labels.length,
      ...(recipe.outputs ? { heads: recipe.outputs } : {}),
      config: config.train,
      seed: config.seed,
      checkpointDir,
      toFloat,
      log,
      ...(ctx.options.progress !== undefined ? { progress: ctx.options.progress } : {}),
    });

    await leaveGpuBackend(model, log);
    await saveLayersModel(model, ctx.path(MODEL_DIR));
    await writeJsonAtomic(ctx.path('train/history.json'), { bestEpoch: result.bestEpoch + 1, history: result.history });
    await writeFileAtomic(ctx.path('train/curves.png'), trainingCurvesPng(`${recipe.name} — training curves (${backend.name})`, result.history, result.bestEpoch));

    const predicted = predictClasses(model, data.test, toFloat);
    const primary = recipe.outputs?.[0];
    const truth = testTruth(recipe, data.test);
    const evaluation = {
      ...classificationReport('test', recipe.labels, truth, predicted),
      // Several outputs: loss and accuracy of each (a sequence output adds whole-sequence accuracy).
      ...(recipe.outputs && (recipe.outputs.length > 1 || primary?.steps) ? { heads: evaluateHeads(model, data.test, recipe.outputs, toFloat) } : {}),
    };
    await writeJsonAtomic(ctx.path('train/evaluation.json'), evaluation);
    await writeFileAtomic(
      ctx.path('train/confusion.png'),
      confusionMatrixPng(`${recipe.name} — test split, ${evaluation.count} samples, accuracy ${(evaluation.accuracy * 100).toFixed(2)}%`, recipe.labels, evaluation.confusion),
    );
    if (drawsSamples(config)) await writeMisclassified(ctx.path(MISCLASSIFIED_PNG), recipe, model, data.test, truth, predicted, toFloat);
    model.dispose();
    await rm(checkpointDir, { recursive: true, force: true });

    const target = recipe.targets?.testAccuracy;
    const verdict = target === undefined ? '' : evaluation.accuracy >= target ? ` (target ≥ ${(target * 100).toFixed(1)}%: met)` : ` (target ≥ ${(target * 100).toFixed(1)}%: NOT met)`;
    log(`train: test accuracy ${(evaluation.accuracy * 100).toFixed(2)}% on ${data.test.count} held-out samples${verdict}; backend ${backend.name}`);
    for (const hm of evaluation.heads ?? []) {
      log(`train:   output ${hm.name}: test loss ${hm.loss.toFixed(4)}, accuracy ${(hm.acc * 100).toFixed(2)}%${hm.sequenceAcc !== undefined ? `, whole sequences ${(hm.sequenceAcc * 100).toFixed(2)}%` : ''}`);
    }
    const last = result.history[result.history.length - 1];
    return {
      backend: backend.name,
      params,
      epochs: result.history.length,
      bestEpoch: result.bestEpoch + 1,
      stoppedEarly: result.stoppedEarly,
      resumedFromEpoch: result.resumedFromEpoch,
      trainSeconds: Math.round(result.trainSeconds * 10) / 10,
      samplesPerSec: last ? Math.round(last.samplesPerSec) : null,
      valAccuracy: result.history[result.bestEpoch]?.valAcc ?? null,
      testAccuracy: evaluation.accuracy,
      testCount: data.test.count,
      ...(evaluation.heads ? { testHeads: evaluation.heads } : {}),
    };
  },
};

/** The picture of the test samples the trained model got wrong. */
export const MISCLASSIFIED_PNG = 'train/misclassified.png';
const MAX_SHOWN = 100;

/** Whether a run's test samples are pictures a person can look at (grey or RGB pixels, one class per sample). */
export function drawsSamples(c: Pick<ResolvedConfig, 'input' | 'outputs'>): boolean {
  return c.input.scale === '0..1' && (c.input.size[2] === 1 || c.input.size[2] === 3) && !c.outputs?.[0]?.steps;
}

/** Writes the picture of the test samples whose `predicted` class differs from `truth` (at most {@link MAX_SHOWN}, with the model's confidence). */
async function writeMisclassified(path: string, recipe: Recipe, model: tfl.LayersModel, test: ImageSet, truth: Int32Array, predicted: Int32Array, toFloat: ReturnType<typeof toFloatFor>): Promise<void> {
  const wrong = [...predicted.keys()].filter((i) => predicted[i] !== truth[i]);
  const shown = wrong.slice(0, MAX_SHOWN);
  const probs = predictProbabilities(model, test, shown, toFloat);
  const size = test.shape[0] * test.shape[1] * test.shape[2];
  const png = misclassifiedPng({
    title: `${recipe.name} — misclassified test samples (${wrong.length} of ${test.count})`,
    labels: recipe.labels,
    shape: test.shape,
    polarity: recipe.input.polarity,
    totalWrong: wrong.length,
    samples: shown.map((index, k) => ({
      index,
      truth: truth[index]!,
      predicted: predicted[index]!,
      confidence: probs[k]![predicted[index]!]!,
      pixels: test.pixels.subarray(index * size, (index + 1) * size) as Uint8Array,
    })),
  });
  await writeFileAtomic(path, png);
}

/** Mean and standard deviation of a set's pixels on the 0..1 scale (what a standardising model needs). */
export function pixelStatistics(set: ImageSet): { pixelMean: number; pixelStd: number } {
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < set.pixels.length; i++) {
    const v = set.pixels[i]! / 255;
    sum += v;
    sq += v * v;
  }
  const n = Math.max(1, set.pixels.length);
  const mean = sum / n;
  return { pixelMean: mean, pixelStd: Math.sqrt(Math.max(0, sq / n - mean * mean)) };
}

/** The true classes of the recipe's primary output on `test` (what its predictions are scored against). */
function testTruth(recipe: Recipe, test: ImageSet): Int32Array {
  const primary = recipe.outputs?.[0];
  return primaryLabels(test, primary?.column ?? 0, primary?.steps ?? 1);
}

/** The primary output's true classes on `set`: label columns column..column+steps-1 of every sample, in order. */
export function primaryLabels(set: ImageSet, column: number, steps: number): Int32Array {
  const width = labelWidth(set);
  if (width === 1) return set.labels;
  const out = new Int32Array(set.count * steps);
  for (let i = 0; i < set.count; i++) out.set(set.labels.subarray(i * width + column, i * width + column + steps), i * steps);
  return out;
}
