/**
 * Text in for text models: a v2 input of datatype BYTES holding N strings (shape [N] or [N, 1])
 * becomes the token-id tensor the model takes, tokenised by the model's own tokenizer (its ONNX
 * metadata `onnxline.tokenizer`, run through pipeline/data/text/tokenize.ts — the code training
 * used). Every failure is a 400 naming the input and what was wrong.
 */
import type { TensorSpec } from '../../pipeline/publish/config.ts';
import { createTokenizer, parseTokenizerSpec, type Tokenizer } from '../../pipeline/data/text/tokenize.ts';
import { badRequest } from '../errors.ts';
import { fromJson, type Tensor } from './datatypes.ts';

/**
 * The tokenizer a model can be sent text through: from its metadata value (JSON), when the model
 * has exactly one input whose non-batch dimensions hold exactly the tokenizer's length. Returns
 * undefined (text not accepted) for no metadata; throws an error saying why for unusable metadata.
 */
export function textTokenizer(metadataValue: string | undefined, inputs: readonly TensorSpec[]): Tokenizer | undefined {
  if (metadataValue === undefined) return undefined;
  const spec = parseTokenizerSpec(JSON.parse(metadataValue) as unknown, 'metadata onnxline.tokenizer');
  const input = inputs[0];
  const rest = input?.shape.slice(1) ?? [];
  if (inputs.length !== 1 || rest.some((d) => d < 0) || rest.reduce((a, b) => a * b, 1) !== spec.length) {
    throw new Error(`metadata onnxline.tokenizer makes ${spec.length} tokens per text, but the model's inputs are ${inputs.map((i) => `${i.name} [${i.shape.join(', ')}]`).join('; ')}`);
  }
  return createTokenizer(spec);
}

/** What a model's metadata says about text input: the BYTES tensor it accepts and its tokenizer, or nothing. */
export function textInputMetadata(tokenizer: Tokenizer | undefined, input: TensorSpec | undefined): Record<string, unknown> {
  if (!tokenizer || !input) return {};
  return {
    text_input: { name: input.name, datatype: 'BYTES', shape: [input.shape[0] ?? -1] },
    tokenizer: { level: tokenizer.spec.level, length: tokenizer.spec.length, vocabulary_size: tokenizer.vocabularySize },
  };
}

/**
 * The rows of a text input: N for shape [N] or [N, 1]; 400 when the model has no tokenizer, for
 * any other shape, or for an empty batch.
 */
export function textRows(name: string, shape: readonly number[], spec: TensorSpec, tokenizer: Tokenizer | undefined): number {
  if (!tokenizer) {
    throw badRequest(`input "${name}": datatype BYTES (text) is accepted only by text models that carry a tokenizer; this model takes ${spec.datatype} [${spec.shape.join(', ')}]`);
  }
  if (!(shape.length === 1 || (shape.length === 2 && shape[1] === 1))) {
    throw badRequest(`input "${name}": text shape [${shape.join(', ')}] must be [N] or [N, 1], one string per row`);
  }
  if (shape[0] === 0) throw badRequest(`input "${name}": batch size 0 (shape [${shape.join(', ')}]); send at least one text`);
  return shape[0]!;
}

/**
 * `values` (the flat JSON data or decoded binary strings of a text input, one per row) as the
 * model input `spec`'s token-id tensor [rows, ...spec dims]; 400 for a wrong count or a value that
 * is not a string.
 */
export function textToTokens(name: string, rows: number, values: unknown[], spec: TensorSpec, tokenizer: Tokenizer): Tensor {
  if (values.length !== rows) throw badRequest(`input "${name}": ${rows} text rows need ${rows} strings but "data" holds ${values.length}`);
  const texts = fromJson(name, 'BYTES', values) as string[];
  const ids = tokenizer.encodeAll(texts);
  return { name: spec.name, datatype: spec.datatype, shape: [rows, ...spec.shape.slice(1)], data: fromJson(name, spec.datatype, Array.from(ids)) };
}
