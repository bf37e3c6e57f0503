/**
 * The one error type the exporter throws for models it cannot export faithfully. The message
 * always names the layer, its class and the option, and says what the user can do.
 */

/** A layer (or one of its options) that onnxline cannot export without changing the computation. */
export class UnsupportedLayerError extends Error {
  readonly layerName: string;
  readonly className: string;
  readonly option: string;

  constructor(layerName: string, className: string, option: string, message: string) {
    super(message);
    this.name = 'UnsupportedLayerError';
    this.layerName = layerName;
    this.className = className;
    this.option = option;
  }
}

function show(value: unknown): string {
  if (typeof value === 'string') return `"${value}"`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Builds the standard message: `layer "conv2d_3" (Conv2D): dataFormat "channelsFirst" is not
 * supported; <hint>`.
 */
export function unsupportedOption(layerName: string, className: string, option: string, value: unknown, hint?: string): UnsupportedLayerError {
  const what = value === undefined ? option : `${option} ${show(value)}`;
  const tail = hint ?? 'onnxline cannot export it without changing what the model computes; change the option (and retrain) or remove the layer';
  return new UnsupportedLayerError(layerName, className, option, `layer "${layerName}" (${className}): ${what} is not supported; ${tail}`);
}
