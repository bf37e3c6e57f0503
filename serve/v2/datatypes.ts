/**
 * KServe v2 datatypes ↔ onnxruntime tensor types, and the checked conversion of JSON and binary
 * tensor data into typed arrays (and back). Every failure names the tensor and what was wrong.
 */
import type { V2Datatype } from '../../pipeline/publish/config.ts';
import { badRequest } from '../errors.ts';

export type TensorData = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array | string[];

/** A tensor on its way in or out: v2 datatype, full shape and row-major data (FP16 as raw uint16 bits, BOOL as 0/1 bytes). */
export interface Tensor {
  name: string;
  datatype: V2Datatype;
  shape: number[];
  data: TensorData;
}

export const ORT_TYPE: Record<V2Datatype, string> = {
  BOOL: 'bool', UINT8: 'uint8', INT8: 'int8', INT16: 'int16', UINT16: 'uint16', INT32: 'int32', UINT32: 'uint32', INT64: 'int64', UINT64: 'uint64',
  FP16: 'float16', FP32: 'float32', FP64: 'float64', BYTES: 'string',
};

const FROM_ORT: Record<string, V2Datatype> = Object.fromEntries(Object.entries(ORT_TYPE).map(([k, v]) => [v, k as V2Datatype]));

/** The v2 datatype of an onnxruntime type name ('float32' → 'FP32'); undefined when v2 has none. */
export function v2FromOrt(type: string): V2Datatype | undefined {
  return FROM_ORT[type];
}

export const ELEMENT_BYTES: Record<V2Datatype, number> = {
  BOOL: 1, UINT8: 1, INT8: 1, INT16: 2, UINT16: 2, INT32: 4, UINT32: 4, INT64: 8, UINT64: 8, FP16: 2, FP32: 4, FP64: 8, BYTES: 0,
};

const INT_RANGE: Partial<Record<V2Datatype, [number, number]>> = {
  UINT8: [0, 255], INT8: [-128, 127], INT16: [-32768, 32767], UINT16: [0, 65535], INT32: [-2147483648, 2147483647], UINT32: [0, 4294967295],
  INT64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], UINT64: [0, Number.MAX_SAFE_INTEGER],
};

/** An empty typed array (or string list) of `n` elements for a datatype. */
export function allocate(datatype: V2Datatype, n: number): TensorData {
  switch (datatype) {
    case 'BOOL': case 'UINT8': return new Uint8Array(n);
    case 'INT8': return new Int8Array(n);
    case 'INT16': return new Int16Array(n);
    case 'UINT16': case 'FP16': return new Uint16Array(n);
    case 'INT32': return new Int32Array(n);
    case 'UINT32': return new Uint32Array(n);
    case 'INT64': return new BigInt64Array(n);
    case 'UINT64': return new BigUint64Array(n);
    case 'FP32': return new Float32Array(n);
    case 'FP64': return new Float64Array(n);
    case 'BYTES': return new Array<string>(n).fill('');
  }
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE half-precision bits of a number (round to nearest even). */
export function toHalf(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rest > mid || (rest === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  return sign | half;
}

/** The number that IEEE half-precision bits encode. */
export function fromHalf(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

function describe(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? s.slice(0, 40) + '…' : s;
}

/** Checked conversion of flat JSON values into a tensor's data; throws 400 naming the first bad element. */
export function fromJson(name: string, datatype: V2Datatype, values: unknown[]): TensorData {
  const out = allocate(datatype, values.length);
  const bad = (i: number, expected: string) =>
    badRequest(`input "${name}": element ${i} is ${describe(values[i])}, but datatype ${datatype} expects ${expected}`);
  const range = INT_RANGE[datatype];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (datatype === 'BOOL') {
      if (typeof v !== 'boolean') throw bad(i, 'true or false');
      (out as Uint8Array)[i] = v ? 1 : 0;
    } else if (datatype === 'BYTES') {
      if (typeof v !== 'string') throw bad(i, 'a string');
      (out as string[])[i] = v;
    } else if (range) {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < range[0] || v > range[1]) throw bad(i, `an integer in ${range[0]}..${range[1]}`);
      if (out instanceof BigInt64Array || out instanceof BigUint64Array) out[i] = BigInt(v);
      else (out as Int32Array)[i] = v;
    } else {
      if (typeof v !== 'number') throw bad(i, 'a number');
      if (datatype === 'FP16') (out as Uint16Array)[i] = toHalf(v);
      else (out as Float32Array)[i] = v;
    }
  }
  return out;
}

/** A tensor's data as JSON values (numbers, booleans or strings). */
export function toJson(datatype: V2Datatype, data: TensorData): (number | boolean | string)[] {
  if (Array.isArray(data)) return data;
  if (datatype === 'BOOL') return Array.from(data as Uint8Array, (v) => v !== 0);
  if (datatype === 'FP16') return Array.from(data as Uint16Array, fromHalf);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Array.from(data, (v) => Number(v));
  return Array.from(data as Float32Array);
}

/** Decodes binary tensor data (little-endian; BYTES as 4-byte length-prefixed strings); 400 when the size is wrong. */
export function fromBinary(name: string, datatype: V2Datatype, bytes: Uint8Array, count: number): TensorData {
  if (datatype === 'BYTES') {
    const out: string[] = [];
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let at = 0;
    while (at < bytes.byteLength) {
      if (at + 4 > bytes.byteLength) throw badRequest(`input "${name}": BYTES binary data ends inside a 4-byte length prefix`);
      const len = view.getUint32(at, true);
      at += 4;
      if (at + len > bytes.byteLength) throw badRequest(`input "${name}": BYTES element ${out.length} claims ${len} bytes but only ${bytes.byteLength - at} remain`);
      out.push(Buffer.from(bytes.buffer, bytes.byteOffset + at, len).toString('utf8'));
      at += len;
    }
    if (out.length !== count) throw badRequest(`input "${name}": shape needs ${count} BYTES elements but the binary data holds ${out.length}`);
    return out;
  }
  const size = ELEMENT_BYTES[datatype];
  if (bytes.byteLength !== count * size) {
    throw badRequest(`input "${name}": shape needs ${count} ${datatype} elements = ${count * size} bytes, but binary_data_size is ${bytes.byteLength}`);
  }
  const out = allocate(datatype, count) as Exclude<TensorData, string[]>;
  new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(bytes);
  if (datatype === 'BOOL') {
    for (let i = 0; i < count; i++) if ((out as Uint8Array)[i]! > 1) throw badRequest(`input "${name}": BOOL element ${i} is byte ${(out as Uint8Array)[i]}, expected 0 or 1`);
  }
  return out;
}

/** A tensor's data as little-endian bytes (BYTES as 4-byte length-prefixed UTF-8). */
export function toBinary(data: TensorData): Uint8Array {
  if (Array.isArray(data)) {
    const parts = data.map((s) => Buffer.from(s, 'utf8'));
    const out = Buffer.alloc(parts.reduce((n, p) => n + 4 + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.writeUInt32LE(p.length, at);
      p.copy(out, at + 4);
      at += 4 + p.length;
    }
    return out;
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Product of the dimensions. */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
