/**
 * Image → model tensor, the same way in the server, the browser and training: grayscale pixels in,
 * a Float32Array in the model's [height, width, channels] layout out. Platform-free: no Node or DOM
 * imports, only arrays, so every runtime can share it.
 */
import type { ImageInputSpec } from './spec.ts';

/** A grayscale image: `pixels[y * width + x]` in 0..255, row-major. */
export interface GrayImage {
  width: number;
  height: number;
  pixels: Uint8Array | Uint8ClampedArray | Float32Array | number[];
}

/** Mean of the outermost ring of pixels (0..255): a bright border means dark ink on a light page. */
export function borderMean(img: GrayImage): number {
  const { width: w, height: h, pixels: p } = img;
  let sum = 0;
  let n = 0;
  for (let x = 0; x < w; x++) {
    sum += Number(p[x]) + Number(p[(h - 1) * w + x]);
    n += 2;
  }
  for (let y = 1; y < h - 1; y++) {
    sum += Number(p[y * w]) + Number(p[y * w + w - 1]);
    n += 2;
  }
  return n ? sum / n : 0;
}

/**
 * Returns ink intensities in 0..1 (1 = full ink) for the model's polarity: when the image's border
 * is bright, the page is light and the ink dark, so the image is inverted to white ink on black.
 */
export function inkMap(img: GrayImage): Float32Array {
  const invert = borderMean(img) > 127.5;
  const out = new Float32Array(img.width * img.height);
  for (let i = 0; i < out.length; i++) {
    const v = Number(img.pixels[i]) / 255;
    out[i] = invert ? 1 - v : v;
  }
  return out;
}

/** Bilinear resampling of a single-channel float image (area-averaged when shrinking a lot). */
export function resize(src: Float32Array, sw: number, sh: number, dw: number, dh: number): Float32Array {
  const out = new Float32Array(dw * dh);
  const sx = sw / dw;
  const sy = sh / dh;
  if (sx > 2 || sy > 2) {
    // Box filter: average every source pixel whose centre falls in the destination pixel.
    for (let y = 0; y < dh; y++) {
      const y0 = Math.floor(y * sy);
      const y1 = Math.max(y0 + 1, Math.floor((y + 1) * sy));
      for (let x = 0; x < dw; x++) {
        const x0 = Math.floor(x * sx);
        const x1 = Math.max(x0 + 1, Math.floor((x + 1) * sx));
        let s = 0;
        let n = 0;
        for (let yy = y0; yy < Math.min(y1, sh); yy++) for (let xx = x0; xx < Math.min(x1, sw); xx++) (s += src[yy * sw + xx]!), n++;
        out[y * dw + x] = n ? s / n : 0;
      }
    }
    return out;
  }
  for (let y = 0; y < dh; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), sh - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, sh - 1);
    const wy = fy - y0;
    for (let x = 0; x < dw; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), sw - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, sw - 1);
      const wx = fx - x0;
      const top = src[y0 * sw + x0]! * (1 - wx) + src[y0 * sw + x1]! * wx;
      const bottom = src[y1 * sw + x0]! * (1 - wx) + src[y1 * sw + x1]! * wx;
      out[y * dw + x] = top * (1 - wy) + bottom * wy;
    }
  }
  return out;
}

/** The bounding box of pixels above `threshold`, or null for an empty image. */
export function inkBoundingBox(ink: Float32Array, w: number, h: number, threshold = 0.1): { x0: number; y0: number; x1: number; y1: number } | null {
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (ink[y * w + x]! > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

/**
 * MNIST's recipe: crop to the ink's bounding box, scale it to fit `inner`×`inner` keeping its aspect
 * ratio, and paste it into an `outW`×`outH` canvas so that its centre of mass lands in the centre.
 */
export function fitCenterOfMass(ink: Float32Array, w: number, h: number, outW: number, outH: number, inner = 20): Float32Array {
  const out = new Float32Array(outW * outH);
  const box = inkBoundingBox(ink, w, h);
  if (!box) return out;
  const bw = box.x1 - box.x0;
  const bh = box.y1 - box.y0;
  const crop = new Float32Array(bw * bh);
  for (let y = 0; y < bh; y++) for (let x = 0; x < bw; x++) crop[y * bw + x] = ink[(y + box.y0) * w + x + box.x0]!;
  const scale = Math.min(inner / bw, inner / bh);
  const fw = Math.max(1, Math.round(bw * scale));
  const fh = Math.max(1, Math.round(bh * scale));
  const fitted = resize(crop, bw, bh, fw, fh);
  let mass = 0;
  let cx = 0;
  let cy = 0;
  for (let y = 0; y < fh; y++) {
    for (let x = 0; x < fw; x++) {
      const v = fitted[y * fw + x]!;
      mass += v;
      cx += v * (x + 0.5);
      cy += v * (y + 0.5);
    }
  }
  const comX = mass > 0 ? cx / mass : fw / 2;
  const comY = mass > 0 ? cy / mass : fh / 2;
  const offX = Math.round(outW / 2 - comX);
  const offY = Math.round(outH / 2 - comY);
  for (let y = 0; y < fh; y++) {
    const ty = y + offY;
    if (ty < 0 || ty >= outH) continue;
    for (let x = 0; x < fw; x++) {
      const tx = x + offX;
      if (tx < 0 || tx >= outW) continue;
      out[ty * outW + tx] = fitted[y * fw + x]!;
    }
  }
  return out;
}

/**
 * Turns a grayscale image of any size into the model's input (values 0..1, `spec.size` =
 * [height, width, channels], channels repeated), with the polarity and fitting the spec asks for.
 */
export function imageToTensor(img: GrayImage, spec: ImageInputSpec): Float32Array {
  const [outH, outW, channels] = spec.size;
  if (img.width < 1 || img.height < 1 || img.pixels.length !== img.width * img.height) {
    throw new RangeError(`an image of ${img.width}×${img.height} needs ${img.width * img.height} pixels (got ${img.pixels.length})`);
  }
  let ink = inkMap(img);
  const scaled = spec.fit === 'mnist-center-of-mass'
    ? fitCenterOfMass(ink, img.width, img.height, outW, outH, Math.round((Math.min(outW, outH) * 20) / 28))
    : resize(ink, img.width, img.height, outW, outH);
  ink = scaled;
  const out = new Float32Array(outH * outW * channels);
  for (let i = 0; i < outH * outW; i++) {
    const v = Math.min(1, Math.max(0, ink[i]!));
    const value = spec.polarity === 'white-on-black' ? v : 1 - v;
    for (let c = 0; c < channels; c++) out[i * channels + c] = value;
  }
  return out;
}
