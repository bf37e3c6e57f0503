/**
 * A v2 inference request → the model's input tensors, checked against the model: every input
 * present and known, datatypes and shapes as the model declares, data of the right length (JSON
 * `data`, flat or nested, or binary data from the binary tensor extension). A text model (one
 * with a tokenizer) also takes its input as BYTES texts, tokenised here (./text.ts).
 */
import type { TensorSpec } from '../../pipeline/publish/config.ts';
import { badRequest } from '../errors.ts';
import { elementCount, fromBinary, fromJson, type Tensor } from './datatypes.ts';
import type { InferRequest, RequestInput } from './schema.ts';
import type { Tokenizer } from '../../pipeline/data/text/tokenize.ts';
import { textRows, textToTokens } from './text.ts';

/** Flattens nested JSON arrays (row-major). */
export function flatten(data: unknown): unknown[] {
  if (!Array.isArray(data)) return [data];
  if (!data.some(Array.isArray)) return data;
  const out: unknown[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else out.push(v);
  };
  walk(data);
  return out;
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

function checkShape(input: Pick<RequestInput, 'name' | 'shape'>, spec: TensorSpec): void {
  const ok = input.shape.length === spec.shape.length && spec.shape.every((d, i) => d < 0 || d === input.shape[i]);
  if (!ok) throw badRequest(`input "${input.name}": shape ${shapeText(input.shape)} does not match the model's ${shapeText(spec.shape)} (-1 = any size)`);
}

/**
 * Decodes and checks the request's inputs into tensors in the model's input order. `binary` is
 * the body after the JSON header (binary tensor extension), consumed in input order. With the
 * model's `tokenizer`, a BYTES input of N texts becomes the model's token ids.
 */
export function decodeInputs(req: InferRequest, binary: Uint8Array | undefined, specs: TensorSpec[], maxBatchSize: number, tokenizer?: Tokenizer): Tensor[] {
  const byName = new Map<string, RequestInput>();
  for (const input of req.inputs) {
    if (byName.has(input.name)) throw badRequest(`input "${input.name}" is given twice`);
    if (!specs.some((s) => s.name === input.name)) throw badRequest(`unknown input "${input.name}": the model's inputs are ${specs.map((s) => `"${s.name}"`).join(', ')}`);
    byName.set(input.name, input);
  }
  const missing = specs.filter((s) => !byName.has(s.name));
  if (missing.length) throw badRequest(`missing input ${missing.map((s) => `"${s.name}" (${s.datatype} ${shapeText(s.shape)})`).join(', ')}`);

  // Binary data is laid out in the order the request lists its inputs.
  const binaryOf = new Map<string, Uint8Array>();
  let offset = 0;
  for (const input of req.inputs) {
    const size = input.parameters?.binary_data_size;
    if (size === undefined) continue;
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) throw badRequest(`input "${input.name}": parameters.binary_data_size must be a whole number of bytes (got ${JSON.stringify(size)})`);
    if (input.data !== undefined) throw badRequest(`input "${input.name}" has both "data" and parameters.binary_data_size; give one`);
    if (!binary || offset + size > binary.byteLength) {
      throw badRequest(`input "${input.name}": binary_data_size ${size} runs past the binary data (${binary?.byteLength ?? 0} bytes after the ${binary ? 'JSON header' : 'body: no Inference-Header-Content-Length header was sent'})`);
    }
    binaryOf.set(input.name, binary.subarray(offset, offset + size));
    offset += size;
  }
  if (binary && offset !== binary.byteLength) throw badRequest(`the request carries ${binary.byteLength} bytes of binary data but its inputs' binary_data_size add up to ${offset}`);

  const tensors = specs.map((spec): Tensor => {
    const input = byName.get(spec.name)!;
    if (input.datatype === 'BYTES' && spec.datatype !== 'BYTES') {
      const rows = textRows(spec.name, input.shape, spec, tokenizer);
      const bin = binaryOf.get(spec.name);
      if (!bin && input.data === undefined) throw badRequest(`input "${spec.name}" has no "data" (and no parameters.binary_data_size)`);
      const tokens = textToTokens(spec.name, rows, bin ? (fromBinary(spec.name, 'BYTES', bin, rows) as string[]) : flatten(input.data), spec, tokenizer!);
      checkShape(tokens, spec);
      return tokens;
    }
    if (input.datatype !== spec.datatype) throw badRequest(`input "${spec.name}": datatype ${input.datatype} does not match the model's ${spec.datatype}`);
    checkShape(input, spec);
    const count = elementCount(input.shape);
    const bin = binaryOf.get(spec.name);
    if (bin) return { name: spec.name, datatype: spec.datatype, shape: input.shape, data: fromBinary(spec.name, spec.datatype, bin, count) };
    if (input.data === undefined) throw badRequest(`input "${spec.name}" has no "data" (and no parameters.binary_data_size)`);
    const flat = flatten(input.data);
    if (flat.length !== count) throw badRequest(`input "${spec.name}": shape ${shapeText(input.shape)} needs ${count} values but "data" holds ${flat.length}`);
    return { name: spec.name, datatype: spec.datatype, shape: input.shape, data: fromJson(spec.name, spec.datatype, flat) };
  });

  if (maxBatchSize > 0) {
    const rows = tensors[0]!.shape[0]!;
    for (const t of tensors) {
      if (t.shape[0] !== rows) throw badRequest(`input "${t.name}" has batch size ${t.shape[0]} but input "${tensors[0]!.name}" has ${rows}; every input needs the same first dimension`);
    }
    if (rows > maxBatchSize) throw badRequest(`batch size ${rows} is larger than the model's max_batch_size ${maxBatchSize}; split the request`);
    if (rows === 0) throw badRequest(`input "${tensors[0]!.name}": batch size 0; send at least one row`);
  }
  return tensors;
}
