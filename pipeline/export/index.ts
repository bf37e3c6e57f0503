/**
 * Public API of the ONNX exporter: tfjs LayersModel → ONNX.
 */
export { exportLayersModel, exportModelJson, hashModelFiles, exporterVersion, DEFAULT_OPSET } from './export.ts';
export type { ExportOptions, ExportResult, ExportSummary, IoInfo } from './export.ts';
export { encodeModel, decodeModel, irVersionForOpset, MIN_OPSET, MAX_OPSET } from './encode.ts';
export { resolveOptimizeOptions, optimizeGraph, ALL_OPTIMIZATIONS, NO_OPTIMIZATIONS } from './optimize/index.ts';
export type { OptimizeOptions, OptimizeStats } from './optimize/index.ts';
export { UnsupportedLayerError } from './errors.ts';
export { supportedClassNames, registerConverter } from './types.ts';
export type { ConvertContext, TensorRef, LayerConverter, ConverterOptions } from './types.ts';
export { applyActivation, SUPPORTED_ACTIVATIONS } from './layers/index.ts';
export { Graph, DataType, attr } from './graph.ts';
