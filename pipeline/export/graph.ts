/**
 * A small in-memory ONNX graph: nodes, initializers and value infos, with unique naming.
 * Kept apart from the protobuf encoding (see onnx.ts / encode.ts), as netron keeps its
 * proto code apart from its graph model. Converters build into this; optimizer passes rewrite it.
 */

/** ONNX TensorProto.DataType codes used by onnxline. */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
} as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

/** A constant tensor (initializer or Constant value). Data is row-major in `dims` order. */
export interface TensorData {
  name: string;
  dataType: DataTypeCode;
  dims: number[];
  data: Float32Array | Int32Array | BigInt64Array | Uint8Array | Float64Array;
}

/** A typed attribute value, so ints and floats never get confused on encoding. */
export type AttrValue =
  | { type: 'int'; value: number }
  | { type: 'float'; value: number }
  | { type: 'string'; value: string }
  | { type: 'ints'; value: number[] }
  | { type: 'floats'; value: number[] }
  | { type: 'strings'; value: string[] }
  | { type: 'tensor'; value: TensorData };

/** Attribute constructors: `attr.int(1)`, `attr.floats([0.2, 0.5])`, ... */
export const attr = {
  int: (value: number): AttrValue => ({ type: 'int', value }),
  float: (value: number): AttrValue => ({ type: 'float', value }),
  string: (value: string): AttrValue => ({ type: 'string', value }),
  ints: (value: number[]): AttrValue => ({ type: 'ints', value }),
  floats: (value: number[]): AttrValue => ({ type: 'floats', value }),
  strings: (value: string[]): AttrValue => ({ type: 'strings', value }),
  tensor: (value: TensorData): AttrValue => ({ type: 'tensor', value }),
};

export interface GraphNode {
  name: string;
  opType: string;
  domain?: string;
  /** Input value names; '' marks an omitted optional input. */
  inputs: string[];
  outputs: string[];
  attributes: Record<string, AttrValue>;
}

/** A dimension: a fixed size, or a symbolic name such as "batch". */
export type Dim = number | string;

export interface ValueInfo {
  name: string;
  dataType: DataTypeCode;
  shape: Dim[];
  docString?: string;
}

/** The mutable graph converters write into. */
export class Graph {
  readonly nodes: GraphNode[] = [];
  readonly initializers = new Map<string, TensorData>();
  readonly inputs: ValueInfo[] = [];
  readonly outputs: ValueInfo[] = [];
  private readonly used = new Set<string>();

  /** Returns `base` or `base_1`, `base_2`, ... so that every value and node name is unique. */
  uniqueName(base: string): string {
    const clean = base.replace(/[^A-Za-z0-9_./:-]/g, '_') || 'v';
    let name = clean;
    for (let i = 1; this.used.has(name); i++) name = `${clean}_${i}`;
    this.used.add(name);
    return name;
  }

  /** Marks an externally chosen name (e.g. a graph input) as taken. Throws if already taken. */
  reserveName(name: string): string {
    if (this.used.has(name)) throw new Error(`ONNX value name "${name}" is used twice`);
    this.used.add(name);
    return name;
  }

  /**
   * Appends a node and returns its output value names. `outputs` is a count (names are derived
   * from `nameHint`) or explicit names.
   */
  addNode(
    opType: string,
    inputs: string[],
    attributes: Record<string, AttrValue> = {},
    opts: { name?: string; outputs?: number | string[]; domain?: string } = {},
  ): string[] {
    const nodeName = this.uniqueName(opts.name ?? opType);
    const outs =
      Array.isArray(opts.outputs)
        ? opts.outputs
        : Array.from({ length: opts.outputs ?? 1 }, (_, i) => this.uniqueName(i === 0 ? `${nodeName}_out` : `${nodeName}_out${i}`));
    this.nodes.push({ name: nodeName, opType, inputs, outputs: outs, attributes, ...(opts.domain ? { domain: opts.domain } : {}) });
    return outs;
  }

  /** Same as addNode for a single-output node; returns that output's name. */
  add(opType: string, inputs: string[], attributes: Record<string, AttrValue> = {}, name?: string): string {
    return this.addNode(opType, inputs, attributes, name ? { name } : {})[0]!;
  }

  /** Adds an initializer under a unique name derived from `name`; returns the name used. */
  addInitializer(name: string, dataType: DataTypeCode, dims: number[], data: TensorData['data']): string {
    const n = this.uniqueName(name);
    const expected = dims.reduce((a, b) => a * b, 1);
    if (data.length !== expected) throw new Error(`initializer ${n}: ${data.length} values for dims [${dims.join(',')}] (expected ${expected})`);
    this.initializers.set(n, { name: n, dataType, dims, data });
    return n;
  }

  /** Float32 initializer. */
  addFloat(name: string, dims: number[], data: Float32Array | number[]): string {
    return this.addInitializer(name, DataType.FLOAT, dims, data instanceof Float32Array ? data : Float32Array.from(data));
  }

  /** Int64 initializer (shapes, axes, indices). */
  addInt64(name: string, values: number[], dims: number[] = [values.length]): string {
    return this.addInitializer(name, DataType.INT64, dims, BigInt64Array.from(values.map((v) => BigInt(v))));
  }
}
