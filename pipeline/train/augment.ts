/**
 * Training-time data augmentation on float batches (N×H×W×C, values 0..1): small random affine
 * transforms, elastic distortion, stroke-width changes, mirroring, inversion and Gaussian noise, all drawn
 * from a seeded generator.
 */
import type { AugmentConfig } from '../recipe.ts';
import { gaussian } from './seeded-random.ts';

/**
 * Applies a 2×3 inverse affine map to one H×W×C image with bilinear sampling; points outside the
 * source read as 0. `inv` maps output (x, y) to source coordinates.
 */
export function warpAffine(src: Float32Array, dst: Float32Array, h: number, w: number, c: number, inv: number[], offset = 0): void {
  warp(src, dst, h, w, c, inv, undefined, offset);
}

/**
 * Like {@link warpAffine}, but each output pixel is first displaced by `field` (dx then dy planes,
 * H×W each, in pixels) before the affine map: the elastic distortion and the jitter in one resampling.
 */
export function warp(src: Float32Array, dst: Float32Array, h: number, w: number, c: number, inv: number[], field?: Float32Array, offset = 0): void {
  const [a, b, tx, d, e, ty] = inv as [number, number, number, number, number, number];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const px = field ? x + field[y * w + x]! : x;
      const py = field ? y + field[h * w + y * w + x]! : y;
      const sx = a * px + b * py + tx;
      const sy = d * px + e * py + ty;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      for (let ch = 0; ch < c; ch++) {
        const at = (yy: number, xx: number) => (yy < 0 || yy >= h || xx < 0 || xx >= w ? 0 : src[offset + (yy * w + xx) * c + ch]!);
        const v =
          at(y0, x0) * (1 - fx) * (1 - fy) + at(y0, x0 + 1) * fx * (1 - fy) + at(y0 + 1, x0) * (1 - fx) * fy + at(y0 + 1, x0 + 1) * fx * fy;
        dst[offset + (y * w + x) * c + ch] = v;
      }
    }
  }
}

/** The inverse map (output → source) of a rotation/scale/shear/shift about the image centre. */
export function randomInverseAffine(h: number, w: number, cfg: NonNullable<AugmentConfig['affine']>, rand: () => number): number[] {
  const u = () => rand() * 2 - 1;
  const angle = (u() * cfg.rotateDeg * Math.PI) / 180;
  const shear = (u() * (cfg.shearDeg ?? 0) * Math.PI) / 180;
  const scale = 1 + u() * cfg.scale;
  const tx = u() * cfg.shiftPx;
  const ty = u() * cfg.shiftPx;
  // forward: p' = S·R·Sh·(p − c) + c + t ; inverse: p = (S·R·Sh)^-1 (p' − c − t) + c
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const k = Math.tan(shear);
  // M = scale * R * [[1, k], [0, 1]]
  const m00 = scale * cos;
  const m01 = scale * (cos * k - sin);
  const m10 = scale * sin;
  const m11 = scale * (sin * k + cos);
  const det = m00 * m11 - m01 * m10;
  const i00 = m11 / det;
  const i01 = -m01 / det;
  const i10 = -m10 / det;
  const i11 = m00 / det;
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const ox = -cx - tx;
  const oy = -cy - ty;
  return [i00, i01, i00 * ox + i01 * oy + cx, i10, i11, i10 * ox + i11 * oy + cy];
}

/**
 * Replaces one H×W×C image by the mean of itself and its 3×3 grey-level dilation (`thicken`:
 * strokes get about a pixel wider in white-on-black images) or erosion (about a pixel thinner,
 * without erasing 2-px strokes). Pixels outside the image count as 0.
 */
export function morph3x3(src: Float32Array, dst: Float32Array, h: number, w: number, c: number, thicken: boolean, offset = 0): void {
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let ch = 0; ch < c; ch++) {
        let v = thicken ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const yy = y + dy;
            const xx = x + dx;
            const p = yy < 0 || yy >= h || xx < 0 || xx >= w ? 0 : src[offset + (yy * w + xx) * c + ch]!;
            v = thicken ? Math.max(v, p) : Math.min(v, p);
          }
        }
        dst[offset + (y * w + x) * c + ch] = 0.5 * (src[offset + (y * w + x) * c + ch]! + v);
      }
    }
  }
}

/** Mirrors one H×W×C image left to right, in place. */
export function flipHorizontal(img: Float32Array, h: number, w: number, c: number, offset = 0): void {
  for (let y = 0; y < h; y++) {
    const row = offset + y * w * c;
    for (let x = 0; x < w >> 1; x++) {
      const a = row + x * c;
      const b = row + (w - 1 - x) * c;
      for (let ch = 0; ch < c; ch++) {
        const t = img[a + ch]!;
        img[a + ch] = img[b + ch]!;
        img[b + ch] = t;
      }
    }
  }
}

const IDENTITY = [1, 0, 0, 0, 1, 0];

/** A normalised 1-D Gaussian kernel of radius ⌈3σ⌉. */
function gaussianKernel(sigma: number): Float32Array {
  const r = Math.ceil(3 * sigma);
  const k = new Float32Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) sum += k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i]! /= sum;
  return k;
}

/** Separable Gaussian blur of one H×W plane in place (zero outside the image). */
function blurPlane(plane: Float32Array, h: number, w: number, k: Float32Array, tmp: Float32Array): void {
  const r = (k.length - 1) / 2;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let i = Math.max(-r, -x); i <= Math.min(r, w - 1 - x); i++) acc += k[i + r]! * plane[y * w + x + i]!;
      tmp[y * w + x] = acc;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let i = Math.max(-r, -y); i <= Math.min(r, h - 1 - y); i++) acc += k[i + r]! * tmp[(y + i) * w + x]!;
      plane[y * w + x] = acc;
    }
  }
}

/**
 * A random elastic displacement field for an H×W image (dx plane then dy plane, in pixels): uniform
 * noise in −1..1 smoothed by a Gaussian of `sigma` px and scaled by `alpha`, as Simard et al. (2003).
 */
export function elasticField(h: number, w: number, alpha: number, sigma: number, rand: () => number, kernel?: Float32Array): Float32Array {
  if (!(sigma > 0) || !Number.isFinite(sigma) || !Number.isFinite(alpha)) {
    throw new Error(`augment.elastic needs a finite alpha and a sigma > 0 (pixels), got alpha ${alpha}, sigma ${sigma}`);
  }
  const k = kernel ?? gaussianKernel(sigma);
  const field = new Float32Array(2 * h * w);
  for (let i = 0; i < field.length; i++) field[i] = rand() * 2 - 1;
  const tmp = new Float32Array(h * w);
  blurPlane(field.subarray(0, h * w), h, w, k, tmp);
  blurPlane(field.subarray(h * w), h, w, k, tmp);
  for (let i = 0; i < field.length; i++) field[i]! *= alpha;
  return field;
}

/** Augments a batch in place (a copy is used as the warp source). */
export function augmentBatch(batch: Float32Array, n: number, shape: [number, number, number], cfg: AugmentConfig, rand: () => number): void {
  const tiles = cfg.tiles ?? 1;
  if (tiles !== 1) {
    if (!(Number.isInteger(tiles) && tiles > 1 && shape[0] % tiles === 0)) throw new Error(`augment.tiles must be a whole number dividing the sample height ${shape[0]}, got ${tiles}`);
    const { tiles: _tiles, ...perTile } = cfg;
    augmentBatch(batch, n * tiles, [shape[0] / tiles, shape[1], shape[2]], perTile, rand);
    return;
  }
  const [h, w, c] = shape;
  const size = h * w * c;
  if (cfg.affine || cfg.elastic) {
    const src = batch.slice();
    const kernel = cfg.elastic && cfg.elastic.sigma > 0 ? gaussianKernel(cfg.elastic.sigma) : undefined;
    for (let i = 0; i < n; i++) {
      const inv = cfg.affine ? randomInverseAffine(h, w, cfg.affine, rand) : IDENTITY;
      const field = cfg.elastic ? elasticField(h, w, cfg.elastic.alpha, cfg.elastic.sigma, rand, kernel) : undefined;
      warp(src, batch, h, w, c, inv, field, i * size);
    }
  }
  if (cfg.strokeWidthProbability) {
    const src = batch.slice();
    for (let i = 0; i < n; i++) {
      if (rand() >= cfg.strokeWidthProbability) continue;
      morph3x3(src, batch, h, w, c, rand() < 0.5, i * size);
    }
  }
  if (cfg.flipHorizontalProbability) {
    for (let i = 0; i < n; i++) {
      if (rand() >= cfg.flipHorizontalProbability) continue;
      flipHorizontal(batch, h, w, c, i * size);
    }
  }
  if (cfg.invertProbability) {
    for (let i = 0; i < n; i++) {
      if (rand() >= cfg.invertProbability) continue;
      for (let j = i * size; j < (i + 1) * size; j++) batch[j] = 1 - batch[j]!;
    }
  }
  if (cfg.gaussianNoiseStd) {
    const std = cfg.gaussianNoiseStd;
    for (let j = 0; j < n * size; j++) batch[j] = Math.min(1, Math.max(0, batch[j]! + std * gaussian(rand)));
  }
}
