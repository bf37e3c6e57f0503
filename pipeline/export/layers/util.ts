/**
 * Shared helpers for layer converters: typed config access, the strict check that no config
 * option a converter does not understand is silently ignored, weight lookup, and output refs.
 */
import type { ConvertContext, Layout, TensorRef } from '../types.ts';
import type { LayerWeight } from '../types.ts';

/** Config keys that never change inference: naming, training-time regularisation, initialisers, input declaration. */
const INERT_KEYS = new Set(['name', 'trainable', 'dtype', 'batchInputShape', 'inputShape', 'batchSize', 'inputDType', 'seed', 'activityRegularizer']);
const INERT_SUFFIXES = ['Initializer', 'Regularizer', 'Constraint'];

function isInert(key: string): boolean {
  return INERT_KEYS.has(key) || INERT_SUFFIXES.some((s) => key.endsWith(s));
}

/**
 * Throws the standard unsupported-option error for any config key that is neither inert nor in
 * `handled` — so a tfjs option onnxline does not know about can never be silently dropped.
 * `defaults` lists keys that are accepted only while they hold the given value.
 */
export function checkConfig(ctx: ConvertContext, handled: string[], defaults: Record<string, unknown> = {}): void {
  for (const [key, value] of Object.entries(ctx.config)) {
    if (value === undefined || isInert(key) || handled.includes(key)) continue;
    if (key in defaults) {
      if (JSON.stringify(value) !== JSON.stringify(defaults[key]) && !(value === null && defaults[key] === undefined)) ctx.unsupported(key, value);
      continue;
    }
    ctx.unsupported(key, value, 'onnxline does not know how this option changes the computation, so it refuses to guess; remove the option or add support for it in pipeline/export/layers/');
  }
}

/** A number config value (or `fallback` when absent). */
export function num(ctx: ConvertContext, key: string, fallback?: number): number {
  const v = ctx.config[key];
  if (v === undefined || v === null) {
    if (fallback === undefined) ctx.unsupported(key, v, 'the option is required');
    return fallback;
  }
  if (typeof v !== 'number') ctx.unsupported(key, v, 'expected a number');
  return v;
}

/** A string config value (or `fallback`). */
export function str(ctx: ConvertContext, key: string, fallback: string): string {
  const v = ctx.config[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'string') ctx.unsupported(key, v, 'expected a string');
  return v;
}

/** A boolean config value (or `fallback`). */
export function bool(ctx: ConvertContext, key: string, fallback: boolean): boolean {
  const v = ctx.config[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') ctx.unsupported(key, v, 'expected true or false');
  return v;
}

/** A number-or-tuple config value expanded to `n` integers (Keras' normalize_tuple). */
export function tuple(ctx: ConvertContext, key: string, n: number, fallback?: number): number[] {
  const v = ctx.config[key] ?? fallback;
  if (typeof v === 'number') return new Array<number>(n).fill(v);
  if (Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number')) return v as number[];
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'number') return new Array<number>(n).fill(v[0]);
  return ctx.unsupported(key, v, `expected a number or ${n} numbers`);
}

/** The weight with this short name; throws a clear error if the layer does not have it. */
export function weight(ctx: ConvertContext, short: string): LayerWeight {
  const w = ctx.weights.get(short);
  if (!w) throw new Error(`layer "${ctx.layerName}" (${ctx.className}) has no weight "${short}" (has: ${[...ctx.weights.keys()].join(', ') || 'none'}); was the model built?`);
  return w;
}

/** The weight with this short name, or undefined. */
export function maybeWeight(ctx: ConvertContext, short: string): LayerWeight | undefined {
  return ctx.weights.get(short);
}

/** The single input of a one-input layer. */
export function single(ctx: ConvertContext): TensorRef {
  if (ctx.inputs.length !== 1) ctx.unsupported('inputs', ctx.inputs.length, 'the layer takes exactly one input');
  return ctx.inputs[0]!;
}

/** A TensorRef for a new value. */
export function ref(name: string, shape: (number | null)[], layout: Layout, like: TensorRef): TensorRef {
  return { name, shape, layout: shape.length < 3 ? 'channels_last' : layout, dataType: like.dataType };
}

/** `${layerName}/${suffix}` — the node/initialiser naming convention. */
export function nm(ctx: ConvertContext, suffix: string): string {
  return `${ctx.layerName}/${suffix}`;
}

/** Product of static dims; throws if one is unknown. */
export function staticSize(ctx: ConvertContext, dims: (number | null)[], what: string): number {
  let n = 1;
  for (const d of dims) {
    if (d === null) ctx.unsupported(what, dims, 'this needs a fully known shape (besides the batch dimension)');
    n *= d;
  }
  return n;
}

/** The `padding` option, checked to be one of `allowed`. */
export function paddingMode<T extends string>(ctx: ConvertContext, allowed: readonly T[]): T {
  const p = str(ctx, 'padding', 'valid');
  if (!allowed.includes(p as T)) ctx.unsupported('padding', p, `use one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
  return p as T;
}
