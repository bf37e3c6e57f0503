/**
 * The `validate` stage: the tfjs model and its ONNX export (in onnxruntime-node and in
 * onnxruntime-web's wasm build) on the real validation split; blesses the model for publishing
 * only when they agree, and records the parity report in the manifest and in the ONNX metadata.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic, writeJsonAtomic } from '../runner/atomic.ts';
import { loadLayersModel } from '../tfjs/model-io.ts';
import { selectBackend } from '../train/backend.ts';
import { toFloatFor } from '../train/loop.ts';
import { withMetadata } from '../export/metadata.ts';
import { accuracyOf, compareOutputs, ortNode, ortWebForNode, runOnnx, runTfjs, type ParitySamples, type RuntimeParity } from '../validate/parity.ts';
import { BLESSING_THRESHOLDS, blessingVerdict } from '../validate/bless.ts';
import type { Stage } from '../runner/stage.ts';
import { DATASET_FILE, readDatasetFile } from './data.ts';
import { MODEL_DIR, MODEL_JSON, primaryLabels } from './train.ts';
import { ONNX_FILE } from './export.ts';

export const BLESSED_ONNX_FILE = 'validate/model.onnx';
export const REPORT_FILE = 'validate/report.json';

export interface ParityReport {
  blessed: boolean;
  reasons: string[];
  samples: number;
  split: string;
  tfjs: { backend: string; accuracy: number; ms: number };
  runtimes: RuntimeParity[];
  thresholds: typeof BLESSING_THRESHOLDS;
}

function formatReport(r: ParityReport): string {
  const lines = [`parity on ${r.samples} ${r.split} samples — tfjs (${r.tfjs.backend}) accuracy ${(r.tfjs.accuracy * 100).toFixed(2)}%`];
  for (const rt of r.runtimes) {
    for (const o of rt.outputs) {
      lines.push(
        `  ${rt.runtime.padEnd(24)} ${o.name}: max |Δ| ${o.maxAbsDiff.toExponential(2)}, mean |Δ| ${o.meanAbsDiff.toExponential(2)}, ` +
          `top-1 agreement ${(o.top1Agreement * 100).toFixed(2)}%, accuracy ${(rt.accuracy * 100).toFixed(2)}%`,
      );
    }
  }
  lines.push(r.blessed ? '  verdict: BLESSED for publishing' : `  verdict: NOT blessed — ${r.reasons.join('; ')}`);
  return lines.join('\n');
}

export const validateStage: Stage = {
  name: 'validate',
  description: 'prove the ONNX model computes what the tfjs model computes, on real validation data',
  inputs: () => [DATASET_FILE, MODEL_DIR, ONNX_FILE],
  outputs: () => [REPORT_FILE, BLESSED_ONNX_FILE],
  configSlice: (c) => ({ thresholds: BLESSING_THRESHOLDS, backend: c.backend }),
  async run(ctx) {
    const data = await readDatasetFile(ctx.path(DATASET_FILE));
    const set = data.validation;
    const x = new Float32Array(set.pixels.length);
    toFloatFor(ctx.recipe.input)(set.pixels, x);
    // Parity reads tfjs outputs synchronously: a webgpu run is checked on wasm (the weights are the same).
    const backend = await selectBackend(ctx.config.backend, () => undefined, { syncReadback: true });
    const model = await loadLayersModel(ctx.path(MODEL_JSON));
    const primary = ctx.recipe.outputs?.[0];
    const samples: ParitySamples = {
      x,
      shape: set.shape,
      labels: primaryLabels(set, primary?.column ?? 0, primary?.steps ?? 1),
      count: set.count,
      outputClasses: model.outputs.map((o) => o.shape[o.shape.length - 1] as number),
    };
    let t0 = performance.now();
    const reference = runTfjs(model, samples);
    const tfjsMs = performance.now() - t0;
    model.dispose();
    const tfjsAccuracy = accuracyOf(reference[0]!, samples);

    const bytes = new Uint8Array(await readFile(ctx.path(ONNX_FILE)));
    const runtimes: RuntimeParity[] = [];
    for (const [label, ort] of [['onnxruntime-node (cpu)', ortNode], ['onnxruntime-web (wasm)', ortWebForNode()]] as const) {
      t0 = performance.now();
      const { outputs, names } = await runOnnx(ort, bytes, samples);
      runtimes.push(compareOutputs(label, names, reference, outputs, samples, performance.now() - t0));
    }
    const verdict = blessingVerdict(samples.count, tfjsAccuracy, runtimes);
    const report: ParityReport = {
      ...verdict,
      samples: samples.count,
      split: 'validation',
      tfjs: { backend: backend.name, accuracy: tfjsAccuracy, ms: Math.round(tfjsMs) },
      runtimes,
      thresholds: BLESSING_THRESHOLDS,
    };
    await writeJsonAtomic(ctx.path(REPORT_FILE), report);
    ctx.log(`validate: ${formatReport(report)}`);
    if (!report.blessed) {
      throw new Error(`the ONNX model is not blessed for publishing: ${report.reasons.join('; ')}. The full report is in ${ctx.path(REPORT_FILE)}.`);
    }
    const parity = {
      blessed: true,
      samples: report.samples,
      split: report.split,
      tfjsAccuracy,
      runtimes: runtimes.map((r) => ({ runtime: r.runtime, accuracy: r.accuracy, outputs: r.outputs })),
    };
    await writeFileAtomic(ctx.path(BLESSED_ONNX_FILE), withMetadata(bytes, { 'onnxline.parity': JSON.stringify(parity) }));
    const worst = Math.max(...runtimes.flatMap((r) => r.outputs.map((o) => o.maxAbsDiff)));
    const agreement = Math.min(...runtimes.flatMap((r) => r.outputs.map((o) => o.top1Agreement)));
    return { blessed: true, samples: report.samples, maxAbsDiff: worst, top1Agreement: agreement, tfjsAccuracy, onnxAccuracy: runtimes[0]!.accuracy };
  },
};
