/**
 * What an image model expects as input: written into the ONNX metadata and the served config so
 * that the browser, the server and training prepare pixels identically. No platform imports.
 */
export interface ImageInputSpec {
  /** Model input size [height, width, channels]. */
  size: [number, number, number];
  /** Pixel scaling: value = pixel / 255 (0..1); 'none' for inputs that are not pixels (token ids), passed as they are. */
  scale: '0..1' | 'none';
  /** 'white-on-black': ink is 1, background 0 (MNIST); 'black-on-white' the opposite. */
  polarity: 'white-on-black' | 'black-on-white';
  /** How a free-form drawing is fitted: MNIST's crop, fit 20×20, centre of mass in 28×28. */
  fit: 'mnist-center-of-mass' | 'stretch';
}
