/**
 * Embedding → Gather(embeddings, indices, axis 0).
 *
 * tfjs casts a non-int32 input to int32 (truncating) before gathering; an Embedding-first model's
 * input is float32 unless its InputLayer says int32. So the ONNX graph input keeps the tfjs dtype
 * (clients feed the ONNX model what they fed tfjs) and a float input gets one Cast to int64 here
 * (Cast truncates toward zero as tfjs does). Int32 and int64 indices go to Gather directly: both
 * are valid Gather index types.
 */
import { attr, DataType } from '../graph.ts';
import { registerConverter, type ConvertContext, type TensorRef } from '../types.ts';
import { checkConfig } from './util.ts';

interface TfEmbedding {
  embeddings?: { read(): { dataSync(): ArrayLike<number>; shape: number[] } } | null;
}

/** The [inputDim, outputDim] table, from ctx.weights or (fallback) the layer object. */
function embeddingTable(ctx: ConvertContext): { data: Float32Array; shape: number[] } {
  const w = ctx.weights.get('embeddings');
  if (w) return { data: w.data, shape: w.shape };
  const v = (ctx.layer as TfEmbedding).embeddings;
  if (!v) throw new Error(`Embedding layer "${ctx.layerName}" is not built: it has no embeddings weight`);
  const t = v.read();
  return { data: Float32Array.from(t.dataSync()), shape: [...t.shape] };
}

/** Converts a tfjs Embedding layer. */
export function convertEmbedding(ctx: ConvertContext): TensorRef[] {
  const g = ctx.graph;
  const name = ctx.layerName;
  checkConfig(ctx, ['inputDim', 'outputDim', 'maskZero', 'inputLength']);
  if (ctx.config['maskZero'] === true) {
    ctx.unsupported(
      'maskZero',
      true,
      'the mask would change how downstream RNN layers run (masked steps keep the previous state), which the export cannot reproduce; retrain with maskZero: false (e.g. with fixed-length or left-padded sequences)',
    );
  }
  const input = ctx.inputs[0];
  if (!input || ctx.inputs.length !== 1) throw new Error(`Embedding layer "${name}" takes one input, got ${ctx.inputs.length}`);
  const table = embeddingTable(ctx);
  const [inputDim, outputDim] = table.shape as [number, number];
  const weights = g.addFloat(`${name}/embeddings`, [inputDim, outputDim], table.data);
  const indices =
    input.dataType === DataType.INT32 || input.dataType === DataType.INT64
      ? input.name
      : g.add('Cast', [input.name], { to: attr.int(DataType.INT64) }, `${name}/indices`);
  const out = g.add('Gather', [weights, indices], { axis: attr.int(0) }, name);
  return [{ name: out, shape: [...input.shape, outputDim], layout: 'channels_last', dataType: DataType.FLOAT }];
}

registerConverter('Embedding', convertEmbedding);
