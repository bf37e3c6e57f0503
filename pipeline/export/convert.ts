/**
 * The walk: turns a tfjs functional graph (Sequential included — it is a functional model inside)
 * into ONNX nodes. Starting from the model outputs it visits each symbolic tensor's producing
 * node (`sourceLayer.inboundNodes[nodeIndex]`) depth-first, so every layer call — a shared layer
 * applied twice, several inputs/outputs, a model nested as a layer — is converted once, in
 * topological order. Also owns the per-value layout conversions (one cached Transpose each).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { Graph, attr, DataType } from './graph.ts';
import type { DataTypeCode } from './graph.ts';
import { getConverter, getConverterOptions, supportedClassNames } from './types.ts';
import type { ConvertContext, LayerWeight, TensorRef } from './types.ts';
import { UnsupportedLayerError, unsupportedOption } from './errors.ts';
import { toChannelsFirstPerm, toChannelsLastPerm } from './layout.ts';

/** The parts of a tfjs SymbolicTensor the walk reads. */
export interface SymbolicTensorLike {
  id: number;
  name: string;
  dtype: string;
  shape: (number | null)[];
  sourceLayer: LayerLike;
  nodeIndex: number;
  tensorIndex: number;
}

export interface NodeLike {
  inputTensors: SymbolicTensorLike[];
  outputTensors: SymbolicTensorLike[];
  outboundLayer: LayerLike;
}

export interface WeightLike {
  name: string;
  originalName?: string;
  shape: (number | null)[];
  dtype: string;
  read(): tf.Tensor;
}

/** The parts of a tfjs Layer the walk reads. */
export interface LayerLike {
  name: string;
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  inboundNodes: NodeLike[];
  outboundNodes: NodeLike[];
  weights: WeightLike[];
}

/** The parts of a tfjs LayersModel (or Sequential) the walk reads. */
export interface ModelLike extends LayerLike {
  inputs: SymbolicTensorLike[];
  outputs: SymbolicTensorLike[];
  layers: LayerLike[];
  inputNames: string[];
  outputNames: string[];
}

/** True for a layer that is itself a model (functional or Sequential): it gets inlined. */
export function isModel(layer: unknown): layer is ModelLike {
  const l = layer as Partial<ModelLike>;
  return Array.isArray(l.layers) && Array.isArray(l.inputs) && Array.isArray(l.outputs);
}

/** The ONNX element type for a tfjs dtype. */
export function onnxDataType(dtype: string): DataTypeCode {
  if (dtype === 'float32') return DataType.FLOAT;
  if (dtype === 'int32') return DataType.INT32;
  if (dtype === 'bool') return DataType.BOOL;
  throw new Error(`tfjs dtype "${dtype}" has no ONNX equivalent in onnxline (float32, int32 and bool are supported)`);
}

/** Reads a layer's weights into the map converters see: by short name (`kernel`) and by full name. */
function readWeights(layer: LayerLike): Map<string, LayerWeight> {
  const map = new Map<string, LayerWeight>();
  for (const w of layer.weights) {
    const name = w.originalName ?? w.name;
    const shape = w.shape.map((d) => d ?? 0);
    const tensor = w.read();
    const data = Float32Array.from(tensor.dataSync() as ArrayLike<number>);
    const weight: LayerWeight = { name, shape, data };
    const short = name.slice(name.lastIndexOf('/') + 1);
    if (!map.has(short)) map.set(short, weight);
    map.set(name, weight);
  }
  return map;
}

/** Drives the conversion of one model into one Graph. */
export class ModelConverter {
  readonly graph = new Graph();
  private readonly firstCache = new Map<string, TensorRef>();
  private readonly lastCache = new Map<string, TensorRef>();
  /** Number of layer calls converted, by class name (for the summary / tests). */
  readonly layerCounts = new Map<string, number>();

  constructor(readonly opset: number) {}

  /** `ref` physically channels-first; inserts (once per value) a Transpose if it is channels-last. */
  toChannelsFirst(ref: TensorRef): TensorRef {
    const rank = ref.shape.length;
    if (ref.layout === 'channels_first' || rank < 3) return ref;
    const cached = this.firstCache.get(ref.name);
    if (cached) return cached;
    const out = this.graph.add('Transpose', [ref.name], { perm: attr.ints(toChannelsFirstPerm(rank)) }, `${ref.name}/to_nchw`);
    const res: TensorRef = { name: out, shape: ref.shape, layout: 'channels_first', dataType: ref.dataType };
    this.firstCache.set(ref.name, res);
    this.lastCache.set(out, ref);
    return res;
  }

  /**
   * `ref` physically in Keras order: channels-last, and for a value flattened from a
   * channels-first tensor, re-ordered to Keras' H,W,C flatten order.
   */
  toChannelsLast(ref: TensorRef): TensorRef {
    const rank = ref.shape.length;
    if (!ref.flattenedFrom && (ref.layout === 'channels_last' || rank < 3)) return ref.layout === 'channels_last' ? ref : { ...ref, layout: 'channels_last' };
    const cached = this.lastCache.get(ref.name);
    if (cached) return cached;
    const g = this.graph;
    let out: string;
    if (ref.flattenedFrom) {
      const keras = ref.flattenedFrom.shape; // e.g. [H, W, C]
      const r = keras.length + 1;
      const physical = [keras[keras.length - 1]!, ...keras.slice(0, -1)]; // [C, H, W]
      const shape4 = g.addInt64(`${ref.name}/unflatten_shape`, [-1, ...physical]);
      const un = g.add('Reshape', [ref.name, shape4], {}, `${ref.name}/unflatten`);
      const tr = g.add('Transpose', [un], { perm: attr.ints(toChannelsLastPerm(r)) }, `${ref.name}/to_nhwc`);
      out = g.add('Flatten', [tr], { axis: attr.int(1) }, `${ref.name}/keras_flatten`);
    } else {
      out = g.add('Transpose', [ref.name], { perm: attr.ints(toChannelsLastPerm(rank)) }, `${ref.name}/to_nhwc`);
    }
    const res: TensorRef = { name: out, shape: ref.shape, layout: 'channels_last', dataType: ref.dataType };
    this.lastCache.set(ref.name, res);
    if (!ref.flattenedFrom) this.firstCache.set(out, ref);
    return res;
  }

  /**
   * Converts the body of `model` on `inputs` (one TensorRef per model input) and returns one
   * TensorRef per model output. Layer names get `prefix` (for nested models).
   */
  convertModel(model: ModelLike, inputs: TensorRef[], prefix = ''): TensorRef[] {
    if (inputs.length !== model.inputs.length) {
      throw new Error(`model "${model.name}" takes ${model.inputs.length} inputs but was called with ${inputs.length}`);
    }
    const values = new Map<number, TensorRef>();
    model.inputs.forEach((t, i) => values.set(t.id, inputs[i]!));
    const visiting = new Set<NodeLike>();

    const visit = (t: SymbolicTensorLike): TensorRef => {
      const known = values.get(t.id);
      if (known) return known;
      const layer = t.sourceLayer;
      const node = layer.inboundNodes[t.nodeIndex];
      if (!node) throw new Error(`internal error: tensor "${t.name}" has no producing node in layer "${layer.name}"`);
      if (node.inputTensors.length === 0) {
        throw new Error(`model "${model.name}": tensor "${t.name}" comes from layer "${layer.name}" (${layer.getClassName()}), which is not one of the model's inputs`);
      }
      if (visiting.has(node)) throw new Error(`model "${model.name}": the layer graph has a cycle through layer "${layer.name}"`);
      visiting.add(node);
      const ins = node.inputTensors.map(visit);
      visiting.delete(node);
      const outs = this.convertLayer(layer, ins, prefix);
      if (outs.length < node.outputTensors.length) {
        throw new Error(`internal error: converter for ${layer.getClassName()} "${layer.name}" returned ${outs.length} outputs, the layer has ${node.outputTensors.length}`);
      }
      node.outputTensors.forEach((ot, i) => values.set(ot.id, outs[i]!));
      const res = values.get(t.id);
      if (!res) throw new Error(`internal error: layer "${layer.name}" did not produce tensor "${t.name}"`);
      return res;
    };
    return model.outputs.map(visit);
  }

  /** Converts one call of `layer` on `inputs`; nested models are inlined with prefixed names. */
  convertLayer(layer: unknown, inputs: TensorRef[], prefix = ''): TensorRef[] {
    const l = layer as LayerLike;
    const className = l.getClassName();
    const layerName = `${prefix}${l.name}`;
    this.layerCounts.set(className, (this.layerCounts.get(className) ?? 0) + 1);
    if (isModel(l)) return this.convertModel(l, inputs, `${layerName}/`);

    const convert = getConverter(className);
    const options = getConverterOptions(className);
    if (!convert || !options) {
      throw new UnsupportedLayerError(
        layerName,
        className,
        'className',
        `layer "${layerName}" (${className}): layer class ${className} is not supported; onnxline can export ${supportedClassNames().join(', ')}. Replace the layer or add a converter in pipeline/export/layers/.`,
      );
    }
    const config = l.getConfig();
    const unsupported = (option: string, value: unknown, hint?: string): never => {
      throw unsupportedOption(layerName, className, option, value, hint);
    };
    if (config['dataFormat'] === 'channelsFirst') {
      unsupported('dataFormat', 'channelsFirst', 'onnxline exports channels-last (tfjs default) models; rebuild the model with dataFormat "channelsLast" (use nchwInput to get an NCHW graph input)');
    }
    const ctx: ConvertContext = {
      graph: this.graph,
      opset: this.opset,
      className,
      layerName,
      config,
      layer,
      inputs: options.layoutAware ? inputs : inputs.map((r) => this.toChannelsLast(r)),
      weights: readWeights(l),
      toChannelsFirst: (r) => this.toChannelsFirst(r),
      toChannelsLast: (r) => this.toChannelsLast(r),
      convertLayer: (inner, ins, p) => this.convertLayer(inner, ins, p ?? `${layerName}/`),
      unsupported,
    };
    return convert(ctx);
  }
}
