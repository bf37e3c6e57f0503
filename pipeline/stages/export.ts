/**
 * The `export` stage: the trained tfjs LayersModel → ONNX with onnxline's exporter, carrying the
 * labels and the preprocessing the model expects in its metadata.
 */
import { writeFileAtomic, writeJsonAtomic } from '../runner/atomic.ts';
import { exportModelJson } from '../export/index.ts';
import { formatSummary } from '../export/cli-entry.ts';
import type { ResolvedConfig, Stage } from '../runner/stage.ts';
import { MODEL_DIR, MODEL_JSON } from './train.ts';

export const ONNX_FILE = 'export/model.onnx';

/** The metadata_props every onnxline model carries: what it is and how to feed it. */
export function modelMetadata(config: ResolvedConfig): Record<string, string> {
  return {
    'onnxline.recipe': config.recipe,
    'onnxline.labels': JSON.stringify(config.labels),
    'onnxline.preprocessing': JSON.stringify(config.input),
  };
}

export const exportStage: Stage = {
  name: 'export',
  description: 'export the trained model to ONNX',
  inputs: () => [MODEL_DIR],
  outputs: () => [ONNX_FILE, 'export/summary.json'],
  configSlice: (c) => ({ export: c.export, labels: c.labels, input: c.input }),
  async run(ctx) {
    const { config } = ctx;
    const result = await exportModelJson(ctx.path(MODEL_JSON), {
      opset: config.export.opset,
      optimize: config.export.optimize,
      metadata: modelMetadata(config),
      docString: `onnxline recipe "${config.recipe}": ${ctx.recipe.summary}. Input ${config.input.size.join('×')} (${config.input.polarity}, scaled ${config.input.scale}); outputs class probabilities for ${config.labels.length} labels.`,
    });
    await writeFileAtomic(ctx.path(ONNX_FILE), result.bytes);
    await writeJsonAtomic(ctx.path('export/summary.json'), { ...result.summary, io: result.io });
    ctx.log(`export: ${formatSummary(MODEL_JSON, ONNX_FILE, result.summary)}`);
    return { nodes: result.summary.nodeCount, ops: result.summary.ops, params: result.summary.params, bytes: result.summary.bytes, ms: Math.round(result.summary.ms), opset: result.summary.opset };
  },
};
