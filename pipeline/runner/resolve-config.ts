/** Turns a recipe plus command-line options into the config that names and drives a run. */
import * as tfl from '@tensorflow/tfjs-layers';
import '../tfjs/setup.ts';
import type { Recipe } from '../recipe.ts';
import { hashJson } from './hash.ts';
import type { ResolvedConfig, RunOptions } from './stage.ts';

/** Hash of the recipe's architecture: each layer's class and config, without auto-generated names. */
export function architectureHash(recipe: Recipe): string {
  const model = recipe.build();
  const layers = model.layers.map((l) => {
    const { name: _name, ...config } = l.getConfig() as Record<string, unknown>;
    return { className: l.getClassName(), config, inbound: inboundSignature(model, l) };
  });
  model.dispose();
  return hashJson(layers);
}

function inboundSignature(model: tfl.LayersModel, layer: tfl.layers.Layer): number[][] {
  const index = new Map(model.layers.map((l, i) => [l, i]));
  return layer.inboundNodes.map((n) => n.inboundLayers.map((l) => index.get(l) ?? -1));
}

/** The resolved config for a run of `recipe` with these options. */
export function resolveConfig(recipe: Recipe, options: Pick<RunOptions, 'epochs' | 'seed' | 'backend' | 'opset' | 'optimize' | 'trainLimit'>): ResolvedConfig {
  if (options.epochs !== undefined && (!Number.isInteger(options.epochs) || options.epochs < 1)) {
    throw new Error(`--epochs must be a whole number ≥ 1 (got ${options.epochs})`);
  }
  return {
    recipe: recipe.name,
    data: recipe.data,
    input: recipe.input,
    labels: recipe.labels,
    ...(recipe.outputs ? { outputs: recipe.outputs } : {}),
    architectureHash: architectureHash(recipe),
    train: { ...recipe.train, epochs: options.epochs ?? recipe.train.epochs },
    trainLimit: options.trainLimit ?? null,
    seed: options.seed,
    backend: options.backend,
    export: { opset: options.opset ?? 17, optimize: options.optimize ?? true },
  };
}
