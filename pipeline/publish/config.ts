/**
 * The served model configuration: `model-repository/<name>/config.json` (what onnxline's server
 * reads) and its Triton-compatible twin `config.pbtxt`. Shapes in config.json are full shapes with
 * -1 for a dynamic dimension; Triton's dims leave out the batch dimension.
 */
import type { ImageInputSpec } from '../preprocess/spec.ts';
import { decodeModel } from '../export/index.ts';

/** KServe v2 tensor datatypes. */
export type V2Datatype = 'BOOL' | 'UINT8' | 'INT8' | 'INT16' | 'UINT16' | 'INT32' | 'UINT32' | 'INT64' | 'UINT64' | 'FP16' | 'FP32' | 'FP64' | 'BYTES';

export interface TensorSpec {
  name: string;
  datatype: V2Datatype;
  /** Full shape, -1 where dynamic. */
  shape: number[];
}

export interface BatchingConfig {
  /** Largest batch one execution runs (0 = the model has no batch dimension: no batching). */
  max_batch_size: number;
  dynamic_batching: { max_queue_delay_microseconds: number; max_queue_size: number };
}

export interface ModelConfig extends BatchingConfig {
  name: string;
  platform: 'onnxruntime_onnx';
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  labels?: string[];
  preprocessing?: ImageInputSpec;
  recipe?: string;
}

export const DEFAULT_BATCHING: BatchingConfig = {
  max_batch_size: 32,
  dynamic_batching: { max_queue_delay_microseconds: 0, max_queue_size: 256 },
};

/** ONNX TensorProto element type → KServe v2 datatype. */
const ONNX_TO_V2: Record<number, V2Datatype> = {
  1: 'FP32', 2: 'UINT8', 3: 'INT8', 4: 'UINT16', 5: 'INT16', 6: 'INT32', 7: 'INT64', 8: 'BYTES', 9: 'BOOL', 10: 'FP16', 11: 'FP64', 12: 'UINT32', 13: 'UINT64',
};

interface DecodedValueInfo {
  name: string;
  type?: { tensor_type?: { elem_type?: number; shape?: { dim?: { dim_value?: number; dim_param?: string }[] } } };
}

/** The graph inputs and outputs of encoded ONNX bytes as v2 tensor specs (initializers excluded). */
export function onnxIo(bytes: Uint8Array): { inputs: TensorSpec[]; outputs: TensorSpec[] } {
  const model = decodeModel(bytes);
  const initializers = new Set<string>((model.graph?.initializer ?? []).map((t: { name: string }) => t.name));
  const spec = (v: DecodedValueInfo): TensorSpec => {
    const tt = v.type?.tensor_type;
    const datatype = ONNX_TO_V2[tt?.elem_type ?? 0];
    if (!datatype) throw new Error(`tensor "${v.name}" has ONNX element type ${tt?.elem_type}, which onnxline cannot serve`);
    return { name: v.name, datatype, shape: (tt?.shape?.dim ?? []).map((d) => (typeof d.dim_value === 'number' && d.dim_value > 0 ? d.dim_value : -1)) };
  };
  return {
    inputs: (model.graph?.input ?? []).filter((i: DecodedValueInfo) => !initializers.has(i.name)).map(spec),
    outputs: (model.graph?.output ?? []).map(spec),
  };
}

/** True when every input and output has a leading dynamic (batch) dimension. */
export function hasBatchDimension(inputs: TensorSpec[], outputs: TensorSpec[]): boolean {
  return [...inputs, ...outputs].every((t) => t.shape.length > 0 && t.shape[0] === -1);
}

const TRITON_TYPE: Record<V2Datatype, string> = {
  BOOL: 'TYPE_BOOL', UINT8: 'TYPE_UINT8', INT8: 'TYPE_INT8', INT16: 'TYPE_INT16', UINT16: 'TYPE_UINT16', INT32: 'TYPE_INT32', UINT32: 'TYPE_UINT32',
  INT64: 'TYPE_INT64', UINT64: 'TYPE_UINT64', FP16: 'TYPE_FP16', FP32: 'TYPE_FP32', FP64: 'TYPE_FP64', BYTES: 'TYPE_STRING',
};

/** The Triton model configuration (protobuf text format) equivalent to `config`. */
export function tritonConfig(config: ModelConfig): string {
  const batched = config.max_batch_size > 0;
  const tensor = (t: TensorSpec) =>
    `  {\n    name: "${t.name}"\n    data_type: ${TRITON_TYPE[t.datatype]}\n    dims: [ ${(batched ? t.shape.slice(1) : t.shape).join(', ')} ]\n  }`;
  const lines = [
    `name: "${config.name}"`,
    `platform: "onnxruntime_onnx"`,
    `max_batch_size: ${config.max_batch_size}`,
    `input [\n${config.inputs.map(tensor).join(',\n')}\n]`,
    `output [\n${config.outputs.map(tensor).join(',\n')}\n]`,
  ];
  if (batched) {
    lines.push(
      `dynamic_batching {\n  max_queue_delay_microseconds: ${config.dynamic_batching.max_queue_delay_microseconds}\n` +
        `  default_queue_policy {\n    max_queue_size: ${config.dynamic_batching.max_queue_size}\n  }\n}`,
    );
  }
  lines.push('version_policy: { latest: { num_versions: 1 } }');
  return lines.join('\n') + '\n';
}
