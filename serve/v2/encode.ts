/**
 * The model's output tensors → a v2 inference response: the requested outputs (all by default),
 * classification (`parameters.classification = k` → BYTES "score:index[:label]") and the binary
 * tensor extension (`binary_data` per output or `binary_data_output` for all).
 */
import type { TensorSpec } from '../../pipeline/publish/config.ts';
import { badRequest } from '../errors.ts';
import { toBinary, toJson, type Tensor } from './datatypes.ts';
import type { InferRequest } from './schema.ts';

export interface OutputPlan {
  name: string;
  classification?: number;
  binary: boolean;
}

/** Which outputs to return and how; 400 for an unknown output or a bad classification count. */
export function planOutputs(req: InferRequest, specs: TensorSpec[]): OutputPlan[] {
  const allBinary = req.parameters?.binary_data_output === true;
  if (!req.outputs || req.outputs.length === 0) return specs.map((s) => ({ name: s.name, binary: allBinary }));
  return req.outputs.map((o) => {
    const spec = specs.find((s) => s.name === o.name);
    if (!spec) throw badRequest(`unknown output "${o.name}": the model's outputs are ${specs.map((s) => `"${s.name}"`).join(', ')}`);
    const binary = o.parameters?.binary_data === undefined ? allBinary : o.parameters.binary_data === true;
    const k = o.parameters?.classification;
    if (k === undefined) return { name: o.name, binary };
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 1) throw badRequest(`output "${o.name}": parameters.classification must be a whole number ≥ 1 (got ${JSON.stringify(k)})`);
    if (spec.datatype === 'BYTES' || spec.datatype === 'BOOL') throw badRequest(`output "${o.name}" is ${spec.datatype}; classification needs a numeric output`);
    return { name: o.name, binary, classification: k };
  });
}

/** Top-k of each row (last dimension) as Triton's "value:index[:label]" strings, shape [..., k]. */
export function classify(t: Tensor, k: number, labels?: string[]): Tensor {
  const values = toJson(t.datatype, t.data) as number[];
  const classes = t.shape.at(-1) ?? values.length;
  const rows = classes > 0 ? values.length / classes : 0;
  const kk = Math.min(k, classes);
  const data: string[] = [];
  for (let r = 0; r < rows; r++) {
    const row = values.slice(r * classes, (r + 1) * classes);
    const order = row.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, kk);
    for (const [v, i] of order) data.push(`${v.toFixed(6)}:${i}${labels?.[i] !== undefined ? `:${labels[i]}` : ''}`);
  }
  return { name: t.name, datatype: 'BYTES', shape: [...t.shape.slice(0, -1), kk], data };
}

export interface EncodedResponse {
  body: Buffer;
  contentType: string;
  /** Set when the body carries binary data after the JSON header. */
  headerLength?: number;
}

/** Builds the response body: JSON, or JSON header + binary tensor data when any output is binary. */
export function encodeResponse(
  meta: { model_name: string; model_version: string; id?: string | undefined },
  outputs: Tensor[],
  plan: OutputPlan[],
  labels: string[] | undefined,
): EncodedResponse {
  const chunks: Uint8Array[] = [];
  const out = plan.map((p) => {
    let t = outputs.find((o) => o.name === p.name)!;
    if (p.classification !== undefined) t = classify(t, p.classification, labels);
    if (p.binary) {
      const bytes = toBinary(t.data);
      chunks.push(bytes);
      return { name: t.name, datatype: t.datatype, shape: t.shape, parameters: { binary_data_size: bytes.byteLength } };
    }
    return { name: t.name, datatype: t.datatype, shape: t.shape, data: toJson(t.datatype, t.data) };
  });
  const header = Buffer.from(JSON.stringify({ model_name: meta.model_name, model_version: meta.model_version, ...(meta.id !== undefined ? { id: meta.id } : {}), outputs: out }));
  if (chunks.length === 0) return { body: header, contentType: 'application/json' };
  return { body: Buffer.concat([header, ...chunks]), contentType: 'application/octet-stream', headerLength: header.byteLength };
}
