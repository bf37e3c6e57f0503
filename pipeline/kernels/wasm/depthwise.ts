/** Conv geometry shared by the depthwise backprop kernels. */
import * as tf from '@tensorflow/tfjs-core';

/**
 * tfjs's Conv2DInfo for a depthwise conv (NHWC), validated: dilations > 1 are honoured here, so
 * the kernels are correct even where tfjs-cpu's loops ignore them.
 */
export function depthwiseInfo(
  inShape: number[],
  filterShape: number[],
  attrs: { strides: number | [number, number]; dilations: number | [number, number]; pad: tf.DepthwiseConv2dNativeAttrs['pad']; dimRoundingMode?: 'floor' | 'round' | 'ceil' },
): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
    'channelsLast',
  );
}
