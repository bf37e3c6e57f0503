/**
 * Noise and dropout layers are the identity at inference (tfjs applies them only when training),
 * so they produce no ONNX node: the input value passes through unchanged, layout included.
 */
import { registerConverter } from '../types.ts';
import { checkConfig, single } from './util.ts';

registerConverter(
  ['Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'SpatialDropout3D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout'],
  (ctx) => {
    checkConfig(ctx, ['rate', 'noiseShape', 'stddev']);
    return [single(ctx)];
  },
  { layoutAware: true },
);
