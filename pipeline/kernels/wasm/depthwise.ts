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

/**
 * Visits every (batch, output pixel, filter tap) of a depthwise conv whose input pixel lies inside
 * the image, with the flat offsets of that input pixel (× C), output pixel (× C·mul) and tap (× C·mul).
 * Both backprop kernels are this walk with a different per-channel body.
 */
export function forEachDepthwiseTap(ci: tf.backend_util.Conv2DInfo, visit: (xBase: number, dyBase: number, wBase: number) => void): void {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: CO } = ci;
  const { filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = ci;
  const pt = ci.padInfo.top;
  const pl = ci.padInfo.left;
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let kh = 0; kh < KH; kh++) {
        const ih = oh * sh + kh * dh - pt;
        if (ih < 0 || ih >= H) continue;
        const xRow = (b * H + ih) * W;
        for (let ow = 0; ow < OW; ow++) {
          const dyBase = ((b * OH + oh) * OW + ow) * CO;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * sw + kw * dw - pl;
            if (iw < 0 || iw >= W) continue;
            visit((xRow + iw) * C, dyBase, (kh * KW + kw) * CO);
          }
        }
      }
    }
  }
}
