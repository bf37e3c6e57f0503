/**
 * Saving and loading tfjs LayersModels in the standard `model.json` + `weights.bin` format from
 * Node without tfjs-node's file:// handlers (which need native TensorFlow).
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { writeDirAtomic, writeFileAtomic } from '../runner/atomic.ts';

const WEIGHTS_FILE = 'weights.bin';

function toUint8(data: tf.io.WeightData): Uint8Array {
  const buffers = Array.isArray(data) ? data : [data];
  const total = buffers.reduce((n, b) => n + b.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    out.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return out;
}

/** Serialises a model to the tfjs LayersModel JSON + one weights file, in memory. */
export async function modelToFiles(model: tfl.LayersModel, includeOptimizer = false): Promise<{ modelJson: string; weights: Uint8Array }> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
    { includeOptimizer },
  );
  if (!artifacts?.weightData || !artifacts.weightSpecs) throw new Error('tfjs produced no weights while saving the model');
  const json: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology as object,
    format: 'layers-model',
    generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tfl.version_layers}`,
    convertedBy: null,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs }],
    ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
    ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
  };
  return { modelJson: JSON.stringify(json), weights: toUint8(artifacts.weightData) };
}

/** Saves `model` as `<dir>/model.json` + `<dir>/weights.bin`; the directory appears atomically. */
export async function saveLayersModel(model: tfl.LayersModel, dir: string, includeOptimizer = false): Promise<void> {
  const files = await modelToFiles(model, includeOptimizer);
  await writeDirAtomic(dir, async (tmp) => {
    await writeFileAtomic(join(tmp, 'model.json'), files.modelJson);
    await writeFileAtomic(join(tmp, WEIGHTS_FILE), files.weights);
  });
}

/** Reads a `model.json` and the weight files its manifest names into tfjs ModelArtifacts. */
export async function readModelArtifacts(modelJsonPath: string): Promise<tf.io.ModelArtifacts> {
  const path = resolve(modelJsonPath);
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(await readFile(path, 'utf8')) as tf.io.ModelJSON;
  } catch (err) {
    throw new Error(`cannot read tfjs model ${path}: ${(err as Error).message}. Expected a LayersModel model.json saved by tfjs or converted from Keras.`);
  }
  if (!json.modelTopology) throw new Error(`${path} has no modelTopology: it is not a tfjs LayersModel model.json`);
  if (json.format && json.format !== 'layers-model') {
    throw new Error(`${path} is a tfjs "${json.format}" model; onnxline reads LayersModels (format "layers-model"). For graph models use tf2onnx.`);
  }
  const manifest = json.weightsManifest ?? [];
  const buffers: Uint8Array[] = [];
  const specs: tf.io.WeightsManifestEntry[] = [];
  for (const group of manifest) {
    for (const p of group.paths) {
      const weightsPath = join(dirname(path), p);
      try {
        buffers.push(new Uint8Array(await readFile(weightsPath)));
      } catch (err) {
        throw new Error(`cannot read the weights file ${weightsPath} that ${path} lists: ${(err as Error).message}. Keep model.json and its weight files together.`);
      }
    }
    specs.push(...group.weights);
  }
  const total = buffers.reduce((n, b) => n + b.byteLength, 0);
  const weightData = new Uint8Array(total);
  let off = 0;
  for (const b of buffers) {
    weightData.set(b, off);
    off += b.byteLength;
  }
  return tf.io.getModelArtifactsForJSONSync(json, specs, weightData.buffer);
}

/** Loads a LayersModel from a `model.json` path (plus its weight files). */
export async function loadLayersModel(modelJsonPath: string): Promise<tfl.LayersModel> {
  const artifacts = await readModelArtifacts(modelJsonPath);
  return tfl.loadLayersModel(tf.io.fromMemory(artifacts));
}
