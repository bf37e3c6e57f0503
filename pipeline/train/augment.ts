/**
 * Training-time data augmentation on float batches (N×H×W×C, values 0..1): small random affine
 * transforms, inversion and Gaussian noise, all drawn from a seeded generator.
 */
import type { AugmentConfig } from '../recipe.ts';
import { gaussian } from './seeded-random.ts';

/**
 * Applies a 2×3 inverse affine map to one H×W×C image with bilinear sampling; points outside the
 * source read as 0. `inv` maps output (x, y) to source coordinates.
 */
export function warpAffine(src: Float32Array, dst: Float32Array, h: number, w: number, c: number, inv: number[], offset = 0): void {
  const [a, b, tx, d, e, ty] = inv as [number, number, number, number, number, number];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const sx = a * x + b * y + tx;
      const sy = d * x + e * y + ty;
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

/** Augments a batch in place (a copy is used as the warp source). */
export function augmentBatch(batch: Float32Array, n: number, shape: [number, number, number], cfg: AugmentConfig, rand: () => number): void {
  const [h, w, c] = shape;
  const size = h * w * c;
  if (cfg.affine) {
    const src = batch.slice();
    for (let i = 0; i < n; i++) warpAffine(src, batch, h, w, c, randomInverseAffine(h, w, cfg.affine, rand), i * size);
  }
  if (cfg.strokeWidthProbability) {
    const src = batch.slice();
    for (let i = 0; i < n; i++) {
      if (rand() >= cfg.strokeWidthProbability) continue;
      morph3x3(src, batch, h, w, c, rand() < 0.5, i * size);
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
