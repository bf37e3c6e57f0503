/**
 * Publishing a blessed ONNX model into a model repository laid out as Triton and onnxline's server
 * expect: `<root>/<name>/<version>/model.onnx`, `<root>/<name>/config.json`, `<root>/<name>/config.pbtxt`.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeDirAtomic, writeFileAtomic, writeJsonAtomic } from '../runner/atomic.ts';
import { readMetadata } from '../export/metadata.ts';
import type { ImageInputSpec } from '../preprocess/spec.ts';
import { DEFAULT_BATCHING, hasBatchDimension, onnxIo, tritonConfig, type BatchingConfig, type ModelConfig } from './config.ts';

/** Thrown when asked to publish a model that validation did not bless. */
export class NotBlessedError extends Error {}

const NAME = /^[A-Za-z0-9_.-]+$/;

/** True for a model name that stays inside the repository: letters, digits, `_ . -`, and not `.`/`..`. */
export function isValidModelName(name: string): boolean {
  return NAME.test(name) && name !== '.' && name !== '..' && !name.includes('..');
}

export interface PublishRequest {
  repositoryRoot: string;
  name: string;
  /** The blessed ONNX bytes (with onnxline metadata). */
  bytes: Uint8Array;
  /** The validate stage's report; only `blessed: true` is published. */
  report: { blessed?: unknown; reasons?: unknown };
  /** Batching settings; default: those of the existing config.json, else DEFAULT_BATCHING. */
  batching?: BatchingConfig;
}

export interface PublishResult {
  name: string;
  version: number;
  /** False when the same bytes were already the newest version (nothing new written). */
  created: boolean;
  modelPath: string;
  sha256: string;
  config: ModelConfig;
}

/** The integer version folders of a model, ascending (other names are ignored). */
export async function listVersions(modelDir: string): Promise<number[]> {
  let entries: string[];
  try {
    entries = await readdir(modelDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return entries.filter((e) => /^[0-9]+$/.test(e) && Number(e) > 0).map(Number).sort((a, b) => a - b);
}

/** The batching settings of an existing config.json (so republishing keeps a hand-tuned queue), if any. */
async function existingBatching(modelDir: string): Promise<BatchingConfig | undefined> {
  try {
    const c = JSON.parse(await readFile(join(modelDir, 'config.json'), 'utf8')) as Partial<BatchingConfig>;
    const d = c.dynamic_batching;
    if (typeof c.max_batch_size === 'number' && d && typeof d.max_queue_delay_microseconds === 'number' && typeof d.max_queue_size === 'number') {
      return { max_batch_size: c.max_batch_size, dynamic_batching: { max_queue_delay_microseconds: d.max_queue_delay_microseconds, max_queue_size: d.max_queue_size } };
    }
  } catch {
    /* no config yet, or unreadable: defaults */
  }
  return undefined;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The served configuration for a model: IO from the graph, labels and preprocessing from its metadata. */
export function buildModelConfig(name: string, bytes: Uint8Array, batching: BatchingConfig = DEFAULT_BATCHING): ModelConfig {
  const { inputs, outputs } = onnxIo(bytes);
  const meta = readMetadata(bytes);
  const batched = hasBatchDimension(inputs, outputs);
  return {
    name,
    platform: 'onnxruntime_onnx',
    inputs,
    outputs,
    ...(meta['onnxline.labels'] ? { labels: JSON.parse(meta['onnxline.labels']) as string[] } : {}),
    ...(meta['onnxline.preprocessing'] ? { preprocessing: JSON.parse(meta['onnxline.preprocessing']) as ImageInputSpec } : {}),
    ...(meta['onnxline.recipe'] ? { recipe: meta['onnxline.recipe'] } : {}),
    max_batch_size: batched ? batching.max_batch_size : 0,
    dynamic_batching: batching.dynamic_batching,
  };
}

/**
 * Publishes a blessed model as the next integer version (atomically: a reader sees the version
 * folder complete or not at all), then writes config.json and config.pbtxt. Publishing bytes
 * identical to the newest version creates nothing new. Refuses an unblessed model.
 */
export async function publishModel(req: PublishRequest): Promise<PublishResult> {
  if (req.report.blessed !== true) {
    const reasons = Array.isArray(req.report.reasons) && req.report.reasons.length ? `: ${req.report.reasons.join('; ')}` : '';
    throw new NotBlessedError(`refusing to publish "${req.name}": validation did not bless this model${reasons}. Fix the parity problems and rerun \`onnxline validate ${req.name}\`.`);
  }
  if (!isValidModelName(req.name)) throw new Error(`cannot publish a model named "${req.name}": names may use only letters, digits, "_", "." and "-", and not ".."`);
  const modelDir = join(req.repositoryRoot, req.name);
  const versions = await listVersions(modelDir);
  const digest = sha256(req.bytes);
  const latest = versions.at(-1);
  let version = (latest ?? 0) + 1;
  let created = true;
  if (latest !== undefined) {
    const existing = await readFile(join(modelDir, String(latest), 'model.onnx')).catch(() => null);
    if (existing && sha256(existing) === digest) {
      version = latest;
      created = false;
    }
  }
  const config = buildModelConfig(req.name, req.bytes, req.batching ?? (await existingBatching(modelDir)));
  // config.json first: a server polling the repository finds the new version with its config in place.
  await writeJsonAtomic(join(modelDir, 'config.json'), config);
  await writeFileAtomic(join(modelDir, 'config.pbtxt'), tritonConfig(config));
  if (created) {
    await writeDirAtomic(join(modelDir, String(version)), async (tmp) => {
      await writeFileAtomic(join(tmp, 'model.onnx'), req.bytes);
    });
  }
  return { name: req.name, version, created, modelPath: join(modelDir, String(version), 'model.onnx'), sha256: digest, config };
}
