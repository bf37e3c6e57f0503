/**
 * `onnxline export path/to/model.json`: export a LayersModel file to .onnx (written atomically)
 * and describe the result in one line.
 */
import { writeFileAtomic } from '../runner/atomic.ts';
import { exportModelJson } from './export.ts';
import type { ExportOptions, ExportSummary } from './export.ts';
import type { OptimizeOptions } from './optimize/index.ts';

export interface ExportCommandOptions {
  out: string;
  opset?: number;
  optimize?: boolean | Partial<OptimizeOptions>;
  nchwInput?: boolean;
  metadata?: Record<string, string>;
}

/** "Conv×2, MaxPool×2, Gemm×2": op counts, most frequent first. */
export function formatOps(ops: Record<string, number>): string {
  return Object.entries(ops)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([op, n]) => `${op}×${n}`)
    .join(', ');
}

/** The one-line description of an export. */
export function formatSummary(from: string, to: string, s: ExportSummary): string {
  return (
    `exported ${from} → ${to}: ${s.nodeCount} nodes (${formatOps(s.ops)}), ${s.params.toLocaleString('en-US')} params, ` +
    `${(s.bytes / 1024).toFixed(1)} KiB, ${Math.round(s.ms)} ms, opset ${s.opset}`
  );
}

/**
 * Exports `modelJsonPath` to `options.out` (atomically: a crash never leaves half a file) and
 * returns a one-line summary, e.g. `exported model.json → model.onnx: 12 nodes (Conv×2, ...),
 * 225,034 params, 879.2 KiB, 48 ms, opset 17`.
 */
export async function runExportCommand(modelJsonPath: string, options: ExportCommandOptions): Promise<string> {
  const exportOptions: ExportOptions = {
    ...(options.opset !== undefined ? { opset: options.opset } : {}),
    ...(options.optimize !== undefined ? { optimize: options.optimize } : {}),
    ...(options.nchwInput !== undefined ? { nchwInput: options.nchwInput } : {}),
    ...(options.metadata ? { metadata: options.metadata } : {}),
  };
  const result = await exportModelJson(modelJsonPath, exportOptions);
  await writeFileAtomic(options.out, result.bytes);
  return formatSummary(modelJsonPath, options.out, result.summary);
}
