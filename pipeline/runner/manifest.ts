/** The run manifest: what a run was made from, what each stage read and wrote, and what it measured. */
import { writeJsonAtomic } from './atomic.ts';
import { readJsonObjectIfExists } from './read-json.ts';
import type { GitInfo } from './git.ts';

export type StageStatus = 'running' | 'done' | 'failed';

export interface StageRecord {
  status: StageStatus;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  /** Hash of the part of the config this stage depends on. */
  configHash: string;
  /** Content hash per input path (relative to the run directory when inside it). */
  inputs: Record<string, string>;
  /** Content hash per output path. */
  outputs: Record<string, string>;
  metrics?: Record<string, unknown>;
  error?: string;
}

export interface Manifest {
  formatVersion: 1;
  recipe: string;
  runId: string;
  createdAt: string;
  updatedAt: string;
  seed: number;
  config: unknown;
  git: GitInfo;
  onnxlineVersion: string;
  /** The training backend actually used, with the reasons others were skipped. */
  backend?: { name: string; detail: string; skipped: string[] };
  stages: Record<string, StageRecord>;
  /** The command line that last ran a stage of this run (`onnxline pipeline digits --seed 7`), for the report. */
  invocation?: string;
}

/** Reads a manifest, or returns null when there is none yet. A corrupt one is an error naming the file. */
export async function readManifest(path: string): Promise<Manifest | null> {
  return readJsonObjectIfExists<Manifest>(path, 'delete it (or the run directory) or rerun with --force');
}

/** Writes the manifest atomically, stamping updatedAt. */
export async function writeManifest(path: string, manifest: Manifest): Promise<void> {
  manifest.updatedAt = new Date().toISOString();
  await writeJsonAtomic(path, manifest);
}
