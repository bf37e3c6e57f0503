/**
 * Graph → ONNX ModelProto bytes. Initializers are written as little-endian `raw_data`; the IR
 * version follows the opset (the lowest IR version that can carry it, so older runtimes load it).
 */
import { endianness } from 'node:os';
import { ModelProto } from './onnx.ts';
import { AttributeType } from './onnx.ts';
import { DataType } from './graph.ts';
import type { AttrValue, Graph, TensorData, ValueInfo } from './graph.ts';

/** Opsets onnxline can write, and the IR version each needs. */
const IR_VERSION_FOR_OPSET: Record<number, number> = { 13: 7, 14: 7, 15: 8, 16: 8, 17: 8, 18: 8, 19: 9, 20: 9, 21: 10 };

export const MIN_OPSET = 13;
export const MAX_OPSET = 21;

/** The ONNX IR version for a default-domain opset in 13..21; throws for any other opset. */
export function irVersionForOpset(opset: number): number {
  const ir = IR_VERSION_FOR_OPSET[opset];
  if (ir === undefined) throw new Error(`opset ${opset} is not supported: choose an opset from ${MIN_OPSET} to ${MAX_OPSET} (default 17)`);
  return ir;
}

export interface EncodeOptions {
  opset: number;
  producerVersion: string;
  docString?: string;
  graphName?: string;
  metadata?: Record<string, string>;
  modelVersion?: number;
}

const LITTLE_ENDIAN = endianness() === 'LE';

/** The little-endian bytes of a tensor's data, as ONNX `raw_data` requires. */
export function rawBytes(t: TensorData): Uint8Array {
  const d = t.data;
  if (d instanceof Uint8Array) return d;
  if (LITTLE_ENDIAN) return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  const out = new Uint8Array(d.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < d.length; i++) {
    if (d instanceof Float32Array) view.setFloat32(i * 4, d[i]!, true);
    else if (d instanceof Int32Array) view.setInt32(i * 4, d[i]!, true);
    else if (d instanceof Float64Array) view.setFloat64(i * 8, d[i]!, true);
    else view.setBigInt64(i * 8, (d as BigInt64Array)[i]!, true);
  }
  return out;
}

function checkDataMatchesType(t: TensorData): void {
  const d = t.data;
  const ok =
    (t.dataType === DataType.FLOAT && d instanceof Float32Array) ||
    (t.dataType === DataType.INT32 && d instanceof Int32Array) ||
    (t.dataType === DataType.INT64 && d instanceof BigInt64Array) ||
    (t.dataType === DataType.DOUBLE && d instanceof Float64Array) ||
    ((t.dataType === DataType.UINT8 || t.dataType === DataType.BOOL || t.dataType === DataType.INT8) && d instanceof Uint8Array);
  if (!ok) throw new Error(`tensor "${t.name}": data array ${d.constructor.name} does not match ONNX data type ${t.dataType}`);
}

/** A TensorProto plain object for protobufjs. */
export function tensorProto(t: TensorData): Record<string, unknown> {
  checkDataMatchesType(t);
  return { name: t.name, dims: t.dims, data_type: t.dataType, raw_data: rawBytes(t) };
}

const utf8 = new TextEncoder();

function attributeProto(name: string, a: AttrValue): Record<string, unknown> {
  switch (a.type) {
    case 'int':
      return { name, type: AttributeType.INT, i: a.value };
    case 'float':
      return { name, type: AttributeType.FLOAT, f: a.value };
    case 'string':
      return { name, type: AttributeType.STRING, s: utf8.encode(a.value) };
    case 'ints':
      return { name, type: AttributeType.INTS, ints: a.value };
    case 'floats':
      return { name, type: AttributeType.FLOATS, floats: a.value };
    case 'strings':
      return { name, type: AttributeType.STRINGS, strings: a.value.map((s) => utf8.encode(s)) };
    case 'tensor':
      return { name, type: AttributeType.TENSOR, t: tensorProto(a.value) };
  }
}

function valueInfoProto(v: ValueInfo): Record<string, unknown> {
  return {
    name: v.name,
    type: {
      tensor_type: {
        elem_type: v.dataType,
        shape: { dim: v.shape.map((d) => (typeof d === 'number' ? { dim_value: d } : d === '' ? {} : { dim_param: d })) },
      },
    },
    ...(v.docString ? { doc_string: v.docString } : {}),
  };
}

/** Encodes `graph` as a complete ONNX ModelProto (producer "onnxline") and returns its bytes. */
export function encodeModel(graph: Graph, opts: EncodeOptions): Uint8Array {
  const model = {
    ir_version: irVersionForOpset(opts.opset),
    opset_import: [{ domain: '', version: opts.opset }],
    producer_name: 'onnxline',
    producer_version: opts.producerVersion,
    model_version: opts.modelVersion ?? 1,
    ...(opts.docString ? { doc_string: opts.docString } : {}),
    graph: {
      name: opts.graphName ?? 'onnxline',
      node: graph.nodes.map((n) => ({
        name: n.name,
        op_type: n.opType,
        ...(n.domain ? { domain: n.domain } : {}),
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attributes).map(([k, a]) => attributeProto(k, a)),
      })),
      initializer: [...graph.initializers.values()].map(tensorProto),
      input: graph.inputs.map(valueInfoProto),
      output: graph.outputs.map(valueInfoProto),
    },
    metadata_props: Object.entries(opts.metadata ?? {}).map(([key, value]) => ({ key, value })),
  };
  const err = ModelProto.verify(model);
  if (err) throw new Error(`internal error: the ONNX model does not match the schema: ${err}`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

/** Decodes ONNX bytes into a plain object (snake_case field names, int64 as numbers); for tests and tools. */
export function decodeModel(bytes: Uint8Array): Record<string, any> {
  return ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, bytes: Array, defaults: false }) as Record<string, any>;
}
