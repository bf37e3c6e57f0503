/** Adding metadata to an already encoded ONNX model without touching its graph. */
import { ModelProto } from './onnx.ts';

/** Returns `bytes` with `entries` set in metadata_props (replacing entries of the same key). */
export function withMetadata(bytes: Uint8Array, entries: Record<string, string>): Uint8Array {
  const model = ModelProto.decode(bytes) as unknown as { metadata_props?: { key: string; value: string }[] };
  const kept = (model.metadata_props ?? []).filter((p) => !(p.key in entries));
  model.metadata_props = [...kept, ...Object.entries(entries).map(([key, value]) => ({ key, value }))];
  return ModelProto.encode(model as never).finish();
}

/** The metadata_props of an encoded ONNX model as a plain record. */
export function readMetadata(bytes: Uint8Array): Record<string, string> {
  const model = ModelProto.decode(bytes) as unknown as { metadata_props?: { key: string; value: string }[] };
  return Object.fromEntries((model.metadata_props ?? []).map((p) => [p.key, p.value]));
}
