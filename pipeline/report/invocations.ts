/**
 * The commands that produced the reported runs: the command line each manifest recorded, or —
 * for runs made before manifests recorded it — one rebuilt from the run's config, marked as such.
 */
import type { Manifest } from '../runner/manifest.ts';
import type { ResolvedConfig } from '../runner/stage.ts';
import { STAGE_NAMES } from '../runner/stage.ts';

export interface Invocation {
  command: string;
  /** True when rebuilt from the config because the manifest has no recorded command. */
  reconstructed: boolean;
}

/** The command line for one run's manifest. */
export function invocationOf(m: Manifest): Invocation {
  // A bare `onnxline` is what a run started in-process (a test, a script) records: no use to a reader.
  if (typeof m.invocation === 'string' && /^onnxline\s+\S/.test(m.invocation.trim())) return { command: m.invocation.trim(), reconstructed: false };
  const c = (m.config ?? {}) as Partial<ResolvedConfig>;
  const args = ['onnxline', 'pipeline', m.recipe];
  const done = STAGE_NAMES.filter((s) => m.stages[s]?.status === 'done' || m.stages[s]?.status === 'failed');
  if (done.length !== STAGE_NAMES.length) args.push('--stages', done.join(','));
  if (c.train?.epochs !== undefined) args.push('--epochs', String(c.train.epochs));
  if (c.backend && c.backend !== 'auto') args.push('--backend', c.backend);
  args.push('--seed', String(m.seed));
  if (c.trainLimit != null) args.push('--train-limit', String(c.trainLimit));
  if (c.export && c.export.opset !== 17) args.push('--opset', String(c.export.opset));
  if (c.export && !c.export.optimize) args.push('--no-optimize');
  return { command: args.join(' '), reconstructed: true };
}

/** Deduplicated commands of `manifests`, oldest run first (ties by command). */
export function invocationsOf(manifests: readonly Manifest[]): Invocation[] {
  const sorted = [...manifests].sort((a, b) => (a.updatedAt < b.updatedAt ? -1 : a.updatedAt > b.updatedAt ? 1 : a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0));
  const seen = new Set<string>();
  const out: Invocation[] = [];
  for (const m of sorted) {
    const inv = invocationOf(m);
    if (seen.has(inv.command)) continue;
    seen.add(inv.command);
    out.push(inv);
  }
  return out;
}
