/**
 * 2-D convolution and both of its gradients on onnxruntime's native kernels (see ort-sync.ts), for
 * NHWC float32 tensors as tfjs holds them: forward Conv (+ bias + activation), the input gradient
 * as ConvTranspose, and the filter gradient as a Conv of the batch-transposed input with the
 * batch-transposed output gradient (stride becomes dilation). Layout changes happen inside the
 * graph, where MLAS does them.
 */
import { Graph, DataType, attr } from '../../export/graph.ts';
import { runNative } from './ort-sync.ts';
import { addActivation, epilogueKey, type Epilogue } from './ort-gemm.ts';

/** A convolution's geometry: NHWC input [B,H,W,C], filter [KH,KW,C,CO], output [B,OH,OW,CO]. */
export interface NativeConvGeometry {
  B: number;
  H: number;
  W: number;
  C: number;
  OH: number;
  OW: number;
  CO: number;
  KH: number;
  KW: number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  padTop: number;
  padBottom: number;
  padLeft: number;
  padRight: number;
}

function key(kind: string, g: NativeConvGeometry): string {
  return `${kind}:${[g.B, g.H, g.W, g.C, g.OH, g.OW, g.CO, g.KH, g.KW, g.strideH, g.strideW, g.dilationH, g.dilationW, g.padTop, g.padBottom, g.padLeft, g.padRight].join(',')}`;
}

const NHWC_TO_NCHW = [0, 3, 1, 2];
const NCHW_TO_NHWC = [0, 2, 3, 1];
/** [KH, KW, C, CO] → ONNX's [CO, C, KH, KW]. */
const FILTER_TO_OIHW = [3, 2, 0, 1];

function pads(g: NativeConvGeometry): number[] {
  return [g.padTop, g.padLeft, g.padBottom, g.padRight];
}

/** Input rows and columns past the last one the forward convolution read: ConvTranspose's output_padding. */
function outputPadding(g: NativeConvGeometry): [number, number] {
  const coveredH = g.strideH * (g.OH - 1) + g.dilationH * (g.KH - 1) + 1 - g.padTop - g.padBottom;
  const coveredW = g.strideW * (g.OW - 1) + g.dilationW * (g.KW - 1) + 1 - g.padLeft - g.padRight;
  return [g.H - coveredH, g.W - coveredW];
}

/** out [B,OH,OW,CO] = act(conv(x, w) + bias) for x [B,H,W,C], w [KH,KW,C,CO], bias [CO]; false when it did not run natively. */
export function nativeConv2D(x: Float32Array, w: Float32Array, g: NativeConvGeometry, out: Float32Array, e: Epilogue = {}): boolean {
  return runNative(`${key('conv', g)},${epilogueKey(e)}`, () => {
    const graph = new Graph();
    const inputs: Record<string, number[]> = { x: [g.B, g.H, g.W, g.C], w: [g.KH, g.KW, g.C, g.CO], ...(e.bias ? { bias: [g.CO] } : {}) };
    for (const [name, shape] of Object.entries(inputs)) graph.inputs.push({ name, dataType: DataType.FLOAT, shape });
    const xT = graph.add('Transpose', ['x'], { perm: attr.ints(NHWC_TO_NCHW) });
    const wT = graph.add('Transpose', ['w'], { perm: attr.ints(FILTER_TO_OIHW) });
    const y = graph.add('Conv', e.bias ? [xT, wT, 'bias'] : [xT, wT], {
      strides: attr.ints([g.strideH, g.strideW]),
      dilations: attr.ints([g.dilationH, g.dilationW]),
      pads: attr.ints(pads(g)),
    });
    graph.addNode('Transpose', [addActivation(graph, y, e)], { perm: attr.ints(NCHW_TO_NHWC) }, { outputs: ['y'] });
    graph.outputs.push({ name: 'y', dataType: DataType.FLOAT, shape: [g.B, g.OH, g.OW, g.CO] });
    return { graph, inputs };
  }, { x, w, ...(e.bias ? { bias: e.bias } : {}) }, out);
}

/**
 * out [B,H,W,C] = the input gradient of that convolution for dy [B,OH,OW,CO] (a ConvTranspose;
 * rows and columns the forward conv never read get zero); false when it did not run natively.
 */
export function nativeConv2DBackpropInput(dy: Float32Array, w: Float32Array, g: NativeConvGeometry, out: Float32Array): boolean {
  return runNative(key('convdx', g), () => {
    const graph = new Graph();
    const inputs = { dy: [g.B, g.OH, g.OW, g.CO], w: [g.KH, g.KW, g.C, g.CO] };
    for (const [name, shape] of Object.entries(inputs)) graph.inputs.push({ name, dataType: DataType.FLOAT, shape });
    const dyT = graph.add('Transpose', ['dy'], { perm: attr.ints(NHWC_TO_NCHW) });
    // ConvTranspose's weight is [C_in of the transpose = CO, C, KH, KW]: the same OIHW tensor.
    const wT = graph.add('Transpose', ['w'], { perm: attr.ints(FILTER_TO_OIHW) });
    const dx = graph.add('ConvTranspose', [dyT, wT], {
      strides: attr.ints([g.strideH, g.strideW]),
      dilations: attr.ints([g.dilationH, g.dilationW]),
      pads: attr.ints(pads(g)),
      output_padding: attr.ints(outputPadding(g)),
    });
    graph.addNode('Transpose', [dx], { perm: attr.ints(NCHW_TO_NHWC) }, { outputs: ['y'] });
    graph.outputs.push({ name: 'y', dataType: DataType.FLOAT, shape: [g.B, g.H, g.W, g.C] });
    return { graph, inputs };
  }, { dy, w }, out);
}

/** True when {@link nativeConv2DBackpropInput} can express this geometry (ConvTranspose's output_padding must be in [0, stride)). */
export function nativeBackpropInputSupported(g: NativeConvGeometry): boolean {
  const [extraH, extraW] = outputPadding(g);
  return extraH >= 0 && extraH < g.strideH && extraW >= 0 && extraW < g.strideW;
}

/**
 * out [KH,KW,C,CO] = the filter gradient for x [B,H,W,C] and dy [B,OH,OW,CO]: a convolution of x
 * as C images of B channels with dy as CO filters of B channels, dilated by the stride. False
 * when it did not run natively, which includes dilated forward convolutions.
 */
export function nativeConv2DBackpropFilter(x: Float32Array, dy: Float32Array, g: NativeConvGeometry, out: Float32Array): boolean {
  if (g.dilationH !== 1 || g.dilationW !== 1) return false;
  return runNative(key('convdw', g), () => {
    const graph = new Graph();
    const inputs = { x: [g.B, g.H, g.W, g.C], dy: [g.B, g.OH, g.OW, g.CO] };
    for (const [name, shape] of Object.entries(inputs)) graph.inputs.push({ name, dataType: DataType.FLOAT, shape });
    const xC = graph.add('Transpose', ['x'], { perm: attr.ints([3, 0, 1, 2]) });
    const dyC = graph.add('Transpose', ['dy'], { perm: attr.ints([3, 0, 1, 2]) });
    let dw = graph.add('Conv', [xC, dyC], { dilations: attr.ints([g.strideH, g.strideW]), pads: attr.ints(pads(g)) });
    // [C, CO, KH', KW'] with KH' ≥ KH: rows past KH are taps the forward conv never used.
    const fullH = g.H + g.padTop + g.padBottom - (g.OH - 1) * g.strideH;
    const fullW = g.W + g.padLeft + g.padRight - (g.OW - 1) * g.strideW;
    if (fullH !== g.KH || fullW !== g.KW) {
      dw = graph.add('Slice', [dw, graph.addInt64('starts', [0, 0]), graph.addInt64('ends', [g.KH, g.KW]), graph.addInt64('axes', [2, 3])]);
    }
    graph.addNode('Transpose', [dw], { perm: attr.ints([2, 3, 0, 1]) }, { outputs: ['y'] });
    graph.outputs.push({ name: 'y', dataType: DataType.FLOAT, shape: [g.KH, g.KW, g.C, g.CO] });
    return { graph, inputs };
  }, { x, dy }, out);
}
