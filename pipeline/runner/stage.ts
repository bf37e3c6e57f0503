/** The stage contract: a named step that reads declared inputs, writes declared outputs, and reports metrics. */
import type { Recipe } from '../recipe.ts';
import type { BackendChoice } from '../train/backend.ts';
import type { Manifest } from './manifest.ts';

export const STAGE_NAMES = ['data', 'train', 'export', 'validate', 'publish'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

/** Options given on the command line that shape a run. */
export interface RunOptions {
  epochs?: number;
  seed: number;
  backend: BackendChoice;
  force: boolean;
  /** Root for run directories (default `runs/`). */
  runsRoot: string;
  /** Root of the model repository (default `model-repository/`). */
  repositoryRoot: string;
  /** Export options. */
  opset?: number;
  optimize?: boolean;
  /** Cap on training samples (for smoke runs and tests); undefined = all. */
  trainLimit?: number;
  /** Show live progress bars. */
  progress?: boolean;
  log: (line: string) => void;
}

/** Everything a run's outcome depends on; its hash names the run directory. */
export interface ResolvedConfig {
  recipe: string;
  data: Recipe['data'];
  input: Recipe['input'];
  labels: string[];
  /** The recipe's declared outputs (absent: one softmax over labels). */
  outputs?: Recipe['outputs'];
  /** Class names and configs of the architecture's layers (layer names excluded). */
  architectureHash: string;
  train: Recipe['train'];
  trainLimit: number | null;
  seed: number;
  backend: BackendChoice;
  export: { opset: number; optimize: boolean };
}

export interface StageContext {
  recipe: Recipe;
  config: ResolvedConfig;
  options: RunOptions;
  runDir: string;
  manifest: Manifest;
  /** Absolute path of a file inside the run directory. */
  path(relative: string): string;
  log: (line: string) => void;
}

export interface Stage {
  name: StageName;
  description: string;
  /** Files (relative to the run dir) from earlier stages that this stage reads. */
  inputs(config: ResolvedConfig): string[];
  /** Files or folders (relative to the run dir) this stage writes. */
  outputs(config: ResolvedConfig): string[];
  /** The part of the config whose change makes this stage run again. */
  configSlice(config: ResolvedConfig): unknown;
  /**
   * For a stage with effects outside the run directory (publish): a reason to rerun although its
   * inputs, config and outputs are unchanged (e.g. the published file is gone), or null.
   */
  staleReason?(ctx: StageContext): Promise<string | null>;
  /**
   * Outputs drawn from the stage's other outputs and inputs (pictures), listed in `outputs` too.
   * When everything else about the stage is up to date and one of these is missing or changed (a
   * run made before the picture existed), `write` redraws them instead of the stage rerunning.
   */
  derived?: { outputs(config: ResolvedConfig): string[]; write(ctx: StageContext): Promise<void> };
  /** Does the work; returns metrics for the manifest. Must write outputs atomically. */
  run(ctx: StageContext): Promise<Record<string, unknown>>;
}
