/**
 * Decoding an uploaded image (PNG, JPEG, WebP…) to grayscale pixels with sharp; transparent areas
 * become white paper. The platform-free preprocessing in pipeline/preprocess does the rest.
 */
import sharp from 'sharp';
import type { GrayImage } from '../../pipeline/preprocess/image.ts';
import { badRequest } from '../errors.ts';

/** Largest side an image is decoded at (bigger images are shrunk first: the model sees 28×28). */
const MAX_SIDE = 560;

/** Decodes image bytes to 8-bit grayscale; 400 naming the problem when they are not an image. */
export async function decodeImage(bytes: Uint8Array): Promise<GrayImage> {
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: 64_000_000, failOn: 'error' })
      .flatten({ background: '#ffffff' })
      .resize({ width: MAX_SIDE, height: MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .greyscale()
      .toColourspace('b-w')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const n = info.width * info.height;
    const pixels = new Uint8Array(n);
    for (let i = 0; i < n; i++) pixels[i] = data[i * info.channels]!;
    return { width: info.width, height: info.height, pixels };
  } catch (err) {
    throw badRequest(`the image could not be decoded (${(err as Error).message}); send a PNG or JPEG`);
  }
}

/** Checks `{"pixels": [[...], ...]}` (H×W, values 0..255, or 0..1 when none exceeds 1) and returns it as an image. */
export function pixelsToImage(pixels: unknown): GrayImage {
  if (!Array.isArray(pixels) || pixels.length === 0 || !pixels.every(Array.isArray)) {
    throw badRequest('"pixels" must be a non-empty array of rows (H×W numbers, 0..255 or 0..1)');
  }
  const rows = pixels as unknown[][];
  const width = rows[0]!.length;
  if (width === 0) throw badRequest('"pixels" rows are empty');
  const height = rows.length;
  const flat = new Float32Array(width * height);
  let max = 0;
  for (let y = 0; y < height; y++) {
    const row = rows[y]!;
    if (row.length !== width) throw badRequest(`"pixels" row ${y} has ${row.length} values but row 0 has ${width}; rows must be equally long`);
    for (let x = 0; x < width; x++) {
      const v = row[x];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 255) throw badRequest(`"pixels"[${y}][${x}] is ${JSON.stringify(v)}; expected a number in 0..255 (or 0..1)`);
      flat[y * width + x] = v;
      if (v > max) max = v;
    }
  }
  if (max <= 1) for (let i = 0; i < flat.length; i++) flat[i]! *= 255;
  return { width, height, pixels: flat };
}
