/**
 * The exporter's entry points: tfjs LayersModel (in memory or model.json on disk) → ONNX bytes.
 * Inputs/outputs keep the tfjs names and Keras layout (NHWC images) unless `nchwInput` is set;
 * batch is the symbolic dim "batch", a free time axis "time".
 */
import '@tensorflow/tfjs-backend-cpu';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { DataTypeCode, Dim, Graph } from './graph.ts';
import type { Layout, TensorRef } from './types.ts';
import './layers/index.ts';
import { ModelConverter, onnxDataType } from './convert.ts';
import type { ModelLike, SymbolicTensorLike } from './convert.ts';
import { encodeModel, irVersionForOpset, MAX_OPSET, MIN_OPSET } from './encode.ts';
import { optimizeGraph, resolveOptimizeOptions } from './optimize/index.ts';
import type { OptimizeOptions, OptimizeStats } from './optimize/index.ts';
import { physicalShape } from './layout.ts';
import { loadLayersModel } from '../tfjs/model-io.ts';

export const DEFAULT_OPSET = 17;

export interface ExportOptions {
  /** ONNX opset, 13..21 (default 17). */
  opset?: number;
  /** Optimizer passes: true (default) = all, false = none, or per pass. */
  optimize?: boolean | Partial<OptimizeOptions>;
  /** Make 4-D image inputs (and 3-D inputs feeding Conv1D/pooling) NCHW / NCW instead of NHWC / NWC. */
  nchwInput?: boolean;
  /** Extra `metadata_props` entries. */
  metadata?: Record<string, string>;
  /** Model `doc_string` (default: a line naming the source model). */
  docString?: string;
  /** sha256 of the source files, recorded as `onnxline.source_hash` (exportModelJson sets it). */
  sourceHash?: string;
}

export interface ExportSummary {
  /** Node count per op type. */
  ops: Record<string, number>;
  nodeCount: number;
  /** Parameters of the tfjs model (all weights, trainable or not). */
  params: number;
  /** Size of the ONNX file. */
  bytes: number;
  /** Export wall time. */
  ms: number;
  opset: number;
  optimizations: OptimizeStats;
}

/** One graph input or output, as exported. */
export interface IoInfo {
  name: string;
  /** The tfjs (Keras) shape, batch first, channels last, null for free dims. */
  kerasShape: (number | null)[];
  /** The ONNX shape as declared (symbolic dims as strings). */
  onnxShape: Dim[];
  /** channels_first only for inputs made NCHW by `nchwInput`. */
  layout: Layout;
  dataType: DataTypeCode;
}

export interface ExportResult {
  bytes: Uint8Array;
  graph: Graph;
  summary: ExportSummary;
  io: { inputs: IoInfo[]; outputs: IoInfo[] };
}

let cachedVersion: string | undefined;
/** onnxline's version from package.json (recorded as onnxline.exporter_version / producer_version). */
export function exporterVersion(): string {
  if (cachedVersion) return cachedVersion;
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    cachedVersion = pkg.version ?? '0.0.0';
  } catch {
    cachedVersion = '0.0.0';
  }
  return cachedVersion;
}

/**
 * The name a graph input or output gets: the tfjs model's input/output name (its layer's name, as
 * saved in model.json). Symbolic tensor names are not used: tfjs makes them unique per process
 * (`image_1` when a second model with an `image` input is loaded).
 */
function ioName(modelName: string | undefined, t: SymbolicTensorLike): string {
  return modelName || t.sourceLayer?.name || t.name;
}

/** Replaces characters ONNX tools dislike in value names. */
function sanitize(name: string): string {
  return name.replace(/[^A-Za-z0-9_.:-]/g, '_') || 'value';
}

/** Classes that want their 3-D input channels-first (so `nchwInput` makes such an input NCW). */
const CHANNELS_FIRST_3D = new Set(['Conv1D', 'MaxPooling1D', 'AveragePooling1D']);

function wantsChannelsFirst(t: SymbolicTensorLike, nchwInput: boolean): boolean {
  if (!nchwInput) return false;
  const rank = t.shape.length;
  if (rank === 4) return true;
  if (rank !== 3) return false;
  const consumers = t.sourceLayer.outboundNodes.map((n) => n.outboundLayer.getClassName());
  return consumers.length > 0 && consumers.every((c) => CHANNELS_FIRST_3D.has(c));
}

function declareDims(shape: (number | null)[], layout: Layout, free: (axis: number) => string): Dim[] {
  const phys = physicalShape({ shape, layout });
  const kerasAt = layout === 'channels_first' ? [0, shape.length - 1, ...shape.slice(1, -1).map((_, i) => i + 1)] : shape.map((_, i) => i);
  return phys.map((d, p) => (p === 0 ? 'batch' : d ?? free(kerasAt[p]!)));
}

/**
 * Makes `value` available under the graph-output name `name`: renames its producer's output, or
 * adds an Identity when the value is a graph input, a constant, or already bound to another output.
 */
function bindOutput(graph: Graph, value: string, name: string, bound: Map<string, string>): void {
  const earlier = bound.get(value);
  const producer = graph.nodes.find((n) => n.outputs.includes(value));
  const isInputOrConst = !producer || graph.initializers.has(value) || graph.inputs.some((i) => i.name === value);
  if (earlier !== undefined || isInputOrConst) {
    graph.addNode('Identity', [earlier ?? value], {}, { name: `${name}/Identity`, outputs: [name] });
  } else {
    producer.outputs = producer.outputs.map((o) => (o === value ? name : o));
    for (const n of graph.nodes) n.inputs = n.inputs.map((i) => (i === value ? name : i));
    bound.set(value, name);
  }
}

/**
 * Exports a tfjs LayersModel (functional or Sequential, possibly with nested models and shared
 * layers) to ONNX. Throws an Error naming the layer, class and option for anything it cannot
 * export faithfully; never silently exports a different computation.
 */
export function exportLayersModel(model: tfl.LayersModel, options: ExportOptions = {}): ExportResult {
  const started = performance.now();
  const opset = options.opset ?? DEFAULT_OPSET;
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new Error(`opset ${opset} is not supported: choose an opset from ${MIN_OPSET} to ${MAX_OPSET} (default ${DEFAULT_OPSET})`);
  }
  irVersionForOpset(opset);
  const optimize = resolveOptimizeOptions(options.optimize);
  const m = model as unknown as ModelLike;
  const conv = new ModelConverter(opset);
  const g = conv.graph;

  let timeNames = 0;
  const inputs: IoInfo[] = [];
  const inputRefs: TensorRef[] = m.inputs.map((t, i) => {
    const name = g.uniqueName(sanitize(ioName(m.inputNames[i], t)));
    const layout: Layout = wantsChannelsFirst(t, options.nchwInput === true) ? 'channels_first' : 'channels_last';
    const dataType = onnxDataType(t.dtype);
    const onnxShape = declareDims(t.shape, layout, (axis) => (t.shape.length === 3 && axis === 1 ? (timeNames++ === 0 ? 'time' : `${name}_time`) : `${name}_dim${axis}`));
    g.inputs.push({ name, dataType, shape: onnxShape });
    inputs.push({ name, kerasShape: [...t.shape], onnxShape, layout, dataType });
    return { name, shape: [...t.shape], layout, dataType };
  });
  const outNames = m.outputs.map((t, i) => g.uniqueName(sanitize(ioName(m.outputNames[i], t))));

  const results = conv.convertModel(m, inputRefs);

  const outputs: IoInfo[] = [];
  const bound = new Map<string, string>();
  // Every output in Keras layout first, then bind names (binding renames values).
  const kerasRefs = results.map((r) => conv.toChannelsLast(r));
  kerasRefs.forEach((keras, i) => {
    const name = outNames[i]!;
    bindOutput(g, keras.name, name, bound);
    const onnxShape = declareDims(keras.shape, 'channels_last', (axis) => `${name}_dim${axis}`);
    g.outputs.push({ name, dataType: keras.dataType, shape: onnxShape });
    outputs.push({ name, kerasShape: [...keras.shape], onnxShape, layout: 'channels_last', dataType: keras.dataType });
  });

  const stats = optimizeGraph(g, optimize);

  const metadata: Record<string, string> = {
    'onnxline.exporter_version': exporterVersion(),
    'onnxline.source_model': model.name,
    'onnxline.io': JSON.stringify({
      inputs: inputs.map((x) => ({ name: x.name, shape: x.kerasShape, layout: x.layout })),
      outputs: outputs.map((x) => ({ name: x.name, shape: x.kerasShape })),
    }),
    ...(options.sourceHash ? { 'onnxline.source_hash': options.sourceHash } : {}),
    ...(options.metadata ?? {}),
  };
  const bytes = encodeModel(g, {
    opset,
    producerVersion: exporterVersion(),
    docString: options.docString ?? `Exported by onnxline ${exporterVersion()} from the TensorFlow.js LayersModel "${model.name}".`,
    graphName: sanitize(model.name),
    metadata,
  });
  const ops: Record<string, number> = {};
  for (const n of g.nodes) ops[n.opType] = (ops[n.opType] ?? 0) + 1;
  return {
    bytes,
    graph: g,
    io: { inputs, outputs },
    summary: {
      ops,
      nodeCount: g.nodes.length,
      params: model.countParams(),
      bytes: bytes.byteLength,
      ms: performance.now() - started,
      opset,
      optimizations: stats,
    },
  };
}

/** sha256 (hex) over model.json's bytes followed by each weight file named in its manifest, in order. */
export async function hashModelFiles(modelJsonPath: string): Promise<string> {
  const path = resolve(modelJsonPath);
  const jsonBytes = await readFile(path);
  const hash = createHash('sha256').update(jsonBytes);
  const json = JSON.parse(jsonBytes.toString('utf8')) as { weightsManifest?: { paths: string[] }[] };
  for (const group of json.weightsManifest ?? []) for (const p of group.paths) hash.update(await readFile(join(dirname(path), p)));
  return hash.digest('hex');
}

/** Loads model.json (+ weights) and exports it; records the files' sha256 as `onnxline.source_hash`. */
export async function exportModelJson(modelJsonPath: string, options: ExportOptions = {}): Promise<ExportResult> {
  const model = await loadLayersModel(modelJsonPath); // first: its errors say what is wrong with the files
  try {
    const sourceHash = options.sourceHash ?? (await hashModelFiles(modelJsonPath));
    return exportLayersModel(model, { ...options, sourceHash });
  } finally {
    model.dispose();
  }
}
