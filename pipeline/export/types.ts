/**
 * The converter contract: what a layer converter receives and returns. One registry keyed by the
 * tfjs `className` (as tfjs-layers' serialization registry is), one file per layer family in
 * `layers/`, each calling `registerConverter` at import time.
 */
import type { Graph, DataTypeCode } from './graph.ts';

/** How a value is laid out physically in the ONNX graph relative to its Keras (channels-last) shape. */
export type Layout = 'channels_last' | 'channels_first';

/**
 * A value flowing between converters. `shape` is always the Keras shape (batch first, channels
 * last, `null` for unknown); `layout` says whether the ONNX tensor is physically channels-first
 * (NCHW / NCW / NCDHW) instead.
 */
export interface TensorRef {
  name: string;
  shape: (number | null)[];
  layout: Layout;
  dataType: DataTypeCode;
  /**
   * Set by Flatten on a channels-first value: the flat vector is in C,H,W order instead of Keras'
   * H,W,C order; the consumer (a Dense) permutes its weight rows to compensate.
   */
  flattenedFrom?: { shape: number[]; layout: Layout };
}

/** A weight of the layer being converted, by its short name (`kernel`, `bias`, `gamma`, ...). */
export interface LayerWeight {
  /** Full tfjs weight name, e.g. `dense_1/kernel`; initializers are named after it. */
  name: string;
  shape: number[];
  data: Float32Array;
}

/** What a converter may read and do. */
export interface ConvertContext {
  graph: Graph;
  opset: number;
  /** The tfjs layer's class name (`Conv2D`, `LSTM`, ...). */
  className: string;
  /** The layer's name in the model. */
  layerName: string;
  /** `layer.getConfig()`. */
  config: Record<string, unknown>;
  /** The tfjs Layer object itself (for wrappers and nested models). */
  layer: unknown;
  inputs: TensorRef[];
  /** The layer's weights keyed by short name (`kernel`, `recurrent_kernel`, `bias`, `gamma`, ...). */
  weights: Map<string, LayerWeight>;
  /** Returns `ref` physically channels-first, inserting (and caching) one Transpose if needed. */
  toChannelsFirst(ref: TensorRef): TensorRef;
  /** Returns `ref` physically channels-last (Keras order), inserting (and caching) one Transpose if needed. */
  toChannelsLast(ref: TensorRef): TensorRef;
  /** Converts another layer (the inner layer of a wrapper, or a nested model) on the given inputs. */
  convertLayer(layer: unknown, inputs: TensorRef[], namePrefix?: string): TensorRef[];
  /** Throws the standard "unsupported" error naming this layer, its class, and the option. */
  unsupported(option: string, value: unknown, hint?: string): never;
}

export type LayerConverter = (ctx: ConvertContext) => TensorRef[];

/** How the exporter calls a converter. */
export interface ConverterOptions {
  /**
   * When false (the default) the exporter hands the converter its inputs physically in Keras
   * order (channels-last, never `flattenedFrom`), inserting a Transpose where needed, so a converter
   * that ignores `layout` is still correct. Set true for converters that read `layout` /
   * `flattenedFrom` themselves (convolutions, elementwise ops, ...) to keep the graph transpose-free.
   */
  layoutAware?: boolean;
}

interface RegistryEntry {
  convert: LayerConverter;
  options: Required<ConverterOptions>;
}

const registry = new Map<string, RegistryEntry>();

/** Registers `convert` for each tfjs class name; a second registration for a name is an error. */
export function registerConverter(classNames: string | string[], convert: LayerConverter, options: ConverterOptions = {}): void {
  for (const name of Array.isArray(classNames) ? classNames : [classNames]) {
    if (registry.has(name)) throw new Error(`a converter for tfjs layer class ${name} is already registered`);
    registry.set(name, { convert, options: { layoutAware: options.layoutAware ?? false } });
  }
}

/** The converter for a tfjs class name, or undefined. */
export function getConverter(className: string): LayerConverter | undefined {
  return registry.get(className)?.convert;
}

/** The options a converter was registered with, or undefined for an unknown class name. */
export function getConverterOptions(className: string): Required<ConverterOptions> | undefined {
  return registry.get(className)?.options;
}

/** Every class name that has a converter, sorted. */
export function supportedClassNames(): string[] {
  return [...registry.keys()].sort();
}
