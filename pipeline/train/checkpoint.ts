/**
 * Per-epoch training checkpoints: model weights, optimizer state, best weights and loop state in
 * one directory that is replaced atomically, so a killed run resumes from its last whole epoch.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensor } from '@tensorflow/tfjs-core/dist/tensor_types.js';
import type * as tfl from '@tensorflow/tfjs-layers';
import { writeDirAtomic, writeFileAtomic } from '../runner/atomic.ts';
import type { EpochRecord } from './history.ts';
import type { PlateauState } from './callbacks.ts';

export interface LoopState {
  /** Number of finished epochs. */
  epochsDone: number;
  history: EpochRecord[];
  plateau: PlateauState;
  learningRate: number;
  stopped: boolean;
}

interface WeightsFile {
  specs: tf.io.WeightsManifestEntry[];
}

async function writeTensors(dir: string, base: string, tensors: NamedTensor[]): Promise<void> {
  const { data, specs } = await tf.io.encodeWeights(tensors);
  const bytes = new Uint8Array(Array.isArray(data) ? await new Blob(data).arrayBuffer() : data);
  await writeFileAtomic(join(dir, `${base}.bin`), bytes);
  await writeFileAtomic(join(dir, `${base}.json`), JSON.stringify({ specs } satisfies WeightsFile));
}

async function readTensors(dir: string, base: string): Promise<tf.NamedTensorMap> {
  const { specs } = JSON.parse(await readFile(join(dir, `${base}.json`), 'utf8')) as WeightsFile;
  const buf = await readFile(join(dir, `${base}.bin`));
  return tf.io.decodeWeights(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength), specs);
}

/**
 * The model's weights named by position (`w0`, `w1`, ...): auto-generated layer names depend on how
 * many layers the process built before, so a resumed process may name them differently.
 */
export function modelWeights(model: tfl.LayersModel): NamedTensor[] {
  return model.weights.map((w, i) => ({ name: `w${i}`, tensor: w.read() }));
}

/** Writes position-named weights (from modelWeights) back into the model, checking shapes. */
export function restoreWeights(model: tfl.LayersModel, weights: tf.NamedTensorMap | NamedTensor[], source: string): void {
  const map = Array.isArray(weights) ? Object.fromEntries(weights.map((w) => [w.name, w.tensor])) : weights;
  model.weights.forEach((w, i) => {
    const t = map[`w${i}`];
    if (!t || t.shape.join(',') !== w.shape.join(',')) {
      throw new Error(`${source} does not match the model (weight ${i}, ${w.originalName} [${w.shape}] vs [${t?.shape ?? 'missing'}]): it was made by a different architecture. Rerun with --force.`);
    }
    w.write(t);
  });
}

/** Writes a checkpoint (replacing the previous one atomically). `best` are the best epoch's weights, if kept. */
export async function saveCheckpoint(
  dir: string,
  model: tfl.LayersModel,
  optimizer: tf.Optimizer,
  state: LoopState,
  best: NamedTensor[] | null,
): Promise<void> {
  const optWeights = await optimizer.getWeights();
  await writeDirAtomic(dir, async (tmp) => {
    await writeTensors(tmp, 'model', modelWeights(model));
    await writeTensors(tmp, 'optimizer', optWeights);
    if (best) await writeTensors(tmp, 'best', best);
    await writeFileAtomic(join(tmp, 'state.json'), JSON.stringify(state, null, 1));
  });
}

/** True when `dir` holds a complete checkpoint. */
export function hasCheckpoint(dir: string): boolean {
  return existsSync(join(dir, 'state.json')) && existsSync(join(dir, 'model.bin'));
}

/** Restores model and optimizer from a checkpoint; returns the loop state and the best weights, if saved. */
export async function loadCheckpoint(
  dir: string,
  model: tfl.LayersModel,
  optimizer: tf.Optimizer,
): Promise<{ state: LoopState; best: NamedTensor[] | null }> {
  const state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as LoopState;
  const weights = await readTensors(dir, 'model');
  restoreWeights(model, weights, `checkpoint ${dir}`);
  tf.dispose(Object.values(weights));
  const opt = await readTensors(dir, 'optimizer');
  const optList = Object.entries(opt).map(([name, tensor]) => ({ name, tensor }));
  if (optList.length) await optimizer.setWeights(optList);
  let best: NamedTensor[] | null = null;
  if (existsSync(join(dir, 'best.bin'))) {
    const b = await readTensors(dir, 'best');
    best = Object.entries(b).map(([name, tensor]) => ({ name, tensor }));
  }
  return { state, best };
}
