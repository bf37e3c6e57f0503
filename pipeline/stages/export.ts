/**
 * The `export` stage: the trained tfjs LayersModel → ONNX with onnxline's exporter, carrying the
 * labels and the preprocessing the model expects in its metadata — and, for a text model, the
 * data stage's tokenizer (`onnxline.tokenizer`), so that a server can be sent text.
 */
import { writeFileAtomic, writeJsonAtomic } from '../runner/atomic.ts';
import { exportModelJson } from '../export/index.ts';
import { formatSummary } from '../export/cli-entry.ts';
import type { ResolvedConfig, Stage } from '../runner/stage.ts';
import { MODEL_DIR, MODEL_JSON } from './train.ts';
import { readTokenizerFile, tokenizerFiles } from './data.ts';
import { TOKENIZER_METADATA_KEY, type TokenizerSpec } from '../data/text/tokenize.ts';

export const ONNX_FILE = 'export/model.onnx';

/** The metadata_props every onnxline model carries: what it is and how to feed it (a text model: its tokenizer too). */
export function modelMetadata(config: ResolvedConfig, tokenizer?: TokenizerSpec): Record<string, string> {
  return {
    'onnxline.recipe': config.recipe,
    'onnxline.labels': JSON.stringify(config.labels),
    'onnxline.preprocessing': JSON.stringify(config.input),
    ...(tokenizer ? { [TOKENIZER_METADATA_KEY]: JSON.stringify(tokenizer) } : {}),
  };
}

export const exportStage: Stage = {
  name: 'export',
  description: 'export the trained model to ONNX',
  inputs: (c) => [MODEL_DIR, ...tokenizerFiles(c)],
  outputs: () => [ONNX_FILE, 'export/summary.json'],
  configSlice: (c) => ({ export: c.export, labels: c.labels, input: c.input }),
  async run(ctx) {
    const { config } = ctx;
    const [tokenizerFile] = tokenizerFiles(config);
    const tokenizer = tokenizerFile ? await readTokenizerFile(ctx.path(tokenizerFile)) : undefined;
    const inputLength = config.input.size.reduce((a, b) => a * b, 1);
    if (tokenizer && tokenizer.length !== inputLength) {
      throw new Error(`${ctx.path(tokenizerFile!)} makes ${tokenizer.length} tokens per text but recipe ${config.recipe} takes ${config.input.size.join('×')} = ${inputLength}; rerun the data stage with --force`);
    }
    const result = await exportModelJson(ctx.path(MODEL_JSON), {
      opset: config.export.opset,
      optimize: config.export.optimize,
      metadata: modelMetadata(config, tokenizer),
      docString: `onnxline recipe "${config.recipe}": ${ctx.recipe.summary}. Input ${config.input.size.join('×')} (${config.input.polarity}, scaled ${config.input.scale}); outputs class probabilities for ${config.labels.length} labels.${tokenizer ? ` Token ids from text: ${tokenizer.level} level, ${tokenizer.length} tokens (metadata ${TOKENIZER_METADATA_KEY}).` : ''}`,
    });
    await writeFileAtomic(ctx.path(ONNX_FILE), result.bytes);
    await writeJsonAtomic(ctx.path('export/summary.json'), { ...result.summary, io: result.io });
    ctx.log(`export: ${formatSummary(MODEL_JSON, ONNX_FILE, result.summary)}`);
    return { nodes: result.summary.nodeCount, ops: result.summary.ops, params: result.summary.params, bytes: result.summary.bytes, ms: Math.round(result.summary.ms), opset: result.summary.opset };
  },
};
