import test from 'node:test';
import assert from 'node:assert/strict';
import { augmentBatch, elasticField, flipHorizontal, morph3x3, randomInverseAffine, warpAffine } from '../../pipeline/train/augment.ts';
import { mulberry32 } from '../../pipeline/train/seeded-random.ts';

function blob(h: number, w: number, cy: number, cx: number): Float32Array {
  const img = new Float32Array(h * w);
  for (let y = cy - 2; y <= cy + 2; y++) for (let x = cx - 2; x <= cx + 2; x++) img[y * w + x] = 1;
  return img;
}

function centroid(img: Float32Array, h: number, w: number): [number, number] {
  let s = 0, sy = 0, sx = 0;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) { const v = img[y * w + x]!; s += v; sy += v * y; sx += v * x; }
  return [sy / s, sx / s];
}

test('a pure shift moves the ink by exactly that many pixels', () => {
  const src = blob(28, 28, 14, 14);
  const dst = new Float32Array(src.length);
  // inverse map of a +3 px x-shift: source x = x − 3
  warpAffine(src, dst, 28, 28, 1, [1, 0, -3, 0, 1, 0]);
  const [cy, cx] = centroid(dst, 28, 28);
  assert.ok(Math.abs(cy - 14) < 1e-6 && Math.abs(cx - 17) < 1e-6, `centroid (${cy}, ${cx})`);
});

test('zero-strength affine jitter is the identity; real jitter keeps ink near the centre', () => {
  const src = blob(28, 28, 14, 14);
  const inv = randomInverseAffine(28, 28, { rotateDeg: 0, shiftPx: 0, scale: 0 }, mulberry32(1));
  const same = new Float32Array(src.length);
  warpAffine(src, same, 28, 28, 1, inv);
  assert.ok(same.every((v, i) => Math.abs(v - src[i]!) < 1e-6));
  const batch = new Float32Array(src.length * 8);
  for (let i = 0; i < 8; i++) batch.set(src, i * src.length);
  augmentBatch(batch, 8, [28, 28, 1], { affine: { rotateDeg: 10, shiftPx: 2, scale: 0.1 } }, mulberry32(7));
  let changed = 0;
  for (let i = 0; i < 8; i++) {
    const img = batch.subarray(i * 784, (i + 1) * 784);
    const [cy, cx] = centroid(img, 28, 28);
    assert.ok(Math.hypot(cy - 14, cx - 14) <= 2 * Math.SQRT2 + 0.5, `sample ${i} centroid moved to (${cy}, ${cx})`);
    if (img.some((v, j) => Math.abs(v - src[j]!) > 1e-3)) changed++;
  }
  assert.ok(changed >= 7, `only ${changed}/8 samples were changed by the jitter`);
});

test('mirroring moves a blob to the other side, twice is the identity, and the probability picks about that share', () => {
  const src = blob(28, 28, 10, 6);
  const img = src.slice();
  flipHorizontal(img, 28, 28, 1);
  const [cy, cx] = centroid(img, 28, 28);
  assert.ok(Math.abs(cy - 10) < 1e-9 && Math.abs(cx - 21) < 1e-9, `centroid (${cy}, ${cx})`);
  flipHorizontal(img, 28, 28, 1);
  assert.deepEqual(img, src);
  // Channels stay with their pixel: an RGB row [a b c | d e f] becomes [d e f | a b c].
  const rgb = new Float32Array([1, 2, 3, 4, 5, 6]);
  flipHorizontal(rgb, 1, 2, 3);
  assert.deepEqual([...rgb], [4, 5, 6, 1, 2, 3]);
  const n = 400;
  const batch = new Float32Array(n * 784);
  for (let i = 0; i < n; i++) batch.set(src, i * 784);
  augmentBatch(batch, n, [28, 28, 1], { flipHorizontalProbability: 0.5 }, mulberry32(11));
  let flipped = 0;
  for (let i = 0; i < n; i++) if (centroid(batch.subarray(i * 784, (i + 1) * 784), 28, 28)[1] > 14) flipped++;
  assert.ok(flipped > 160 && flipped < 240, `${flipped} of ${n} mirrored at p = 0.5`);
});

test('inversion and Gaussian noise stay within 0..1', () => {
  const batch = new Float32Array(100).fill(0.2);
  augmentBatch(batch, 1, [10, 10, 1], { invertProbability: 1 }, mulberry32(3));
  assert.ok(batch.every((v) => Math.abs(v - 0.8) < 1e-6));
  augmentBatch(batch, 1, [10, 10, 1], { gaussianNoiseStd: 0.5 }, mulberry32(3));
  assert.ok(batch.every((v) => v >= 0 && v <= 1));
  assert.ok(new Set(batch).size > 50, 'noise made the pixels differ');
});

test('stroke-width jitter widens or thins a stroke by half a pixel on each side, never erasing it', () => {
  const h = 9, w = 9;
  const line = new Float32Array(h * w);
  for (let y = 0; y < h; y++) line[y * w + 4] = 1; // a vertical 1-px stroke at x = 4
  const thick = new Float32Array(line.length);
  morph3x3(line, thick, h, w, 1, true);
  assert.deepEqual([...thick.subarray(4 * w + 2, 4 * w + 7)], [0, 0.5, 1, 0.5, 0], 'dilation adds half-ink neighbours');
  const thin = new Float32Array(line.length);
  morph3x3(line, thin, h, w, 1, false);
  assert.deepEqual([...thin.subarray(4 * w + 3, 4 * w + 6)], [0, 0.5, 0], 'erosion halves a 1-px stroke instead of erasing it');
  const batch = line.slice();
  augmentBatch(batch, 1, [h, w, 1], { strokeWidthProbability: 1 }, mulberry32(5));
  const inkBefore = line.reduce((a, b) => a + b, 0);
  const inkAfter = batch.reduce((a, b) => a + b, 0);
  assert.notEqual(inkAfter, inkBefore, 'with probability 1 every sample is changed');
});

test('elastic fields are smooth, scale with alpha, and displace by about the theoretical amount', () => {
  const [h, w, sigma] = [28, 28, 4];
  const one = elasticField(h, w, 1, sigma, mulberry32(11));
  const big = elasticField(h, w, 34, sigma, mulberry32(11));
  assert.ok(big.every((v, i) => Math.abs(v - 34 * one[i]!) < 1e-4), 'the field is not linear in alpha');
  // Uniform(-1,1) noise (std 1/√3) under a 2-D Gaussian of σ has std (1/√3)/(2√π·σ) away from the borders.
  const expected = 34 / Math.sqrt(3) / (2 * Math.sqrt(Math.PI) * sigma);
  let sq = 0;
  let step = 0;
  let count = 0;
  for (let y = 8; y < 20; y++) {
    for (let x = 8; x < 20; x++) {
      sq += big[y * w + x]! ** 2;
      step += Math.abs(big[y * w + x + 1]! - big[y * w + x]!);
      count++;
    }
  }
  const rms = Math.sqrt(sq / count);
  assert.ok(rms > expected / 3 && rms < expected * 3, `rms displacement ${rms.toFixed(2)} px, expected about ${expected.toFixed(2)}`);
  assert.ok(step / count < rms / 2, `neighbouring displacements differ by ${(step / count).toFixed(2)} px: the field is not smooth`);
});

test('elastic augmentation moves strokes but keeps the digit where it was', () => {
  const src = blob(28, 28, 14, 14);
  const batch = new Float32Array(src.length * 4);
  for (let i = 0; i < 4; i++) batch.set(src, i * src.length);
  augmentBatch(batch, 4, [28, 28, 1], { elastic: { alpha: 34, sigma: 4 } }, mulberry32(9));
  for (let i = 0; i < 4; i++) {
    const img = batch.subarray(i * 784, (i + 1) * 784);
    const [cy, cx] = centroid(img, 28, 28);
    assert.ok(Math.hypot(cy - 14, cx - 14) < 3, `sample ${i} centroid moved to (${cy}, ${cx})`);
    assert.ok(img.some((v, j) => Math.abs(v - src[j]!) > 0.05), `sample ${i} was not distorted`);
  }
});

test('an elastic sigma of 0 or below is refused with the values named, not turned into NaN images', () => {
  assert.throws(() => elasticField(28, 28, 34, 0, mulberry32(1)), /sigma > 0 \(pixels\), got alpha 34, sigma 0/);
  assert.throws(() => augmentBatch(new Float32Array(784), 1, [28, 28, 1], { elastic: { alpha: 34, sigma: -1 } }, mulberry32(1)), /sigma -1/);
});

test('stacked tiles (S0 sequences) are jittered one by one: no ink crosses into a neighbouring tile', () => {
  // A strip of 5 tiles of 16×16; only the middle tile has ink (a blob at its centre).
  const tile = 16;
  const strip = new Float32Array(5 * tile * tile);
  strip.set(blob(tile, tile, 8, 8), 2 * tile * tile);
  const cfg = { affine: { rotateDeg: 25, shiftPx: 2, scale: 0.2 } };
  const tiled = strip.slice();
  augmentBatch(tiled, 1, [5 * tile, tile, 1], { ...cfg, tiles: 5 }, mulberry32(3));
  for (const t of [0, 1, 3, 4]) assert.ok(tiled.subarray(t * tile * tile, (t + 1) * tile * tile).every((v) => v === 0), `tile ${t} stays empty`);
  const [cy, cx] = centroid(tiled.subarray(2 * tile * tile, 3 * tile * tile), tile, tile);
  assert.ok(Math.abs(cy - 8) < 3 && Math.abs(cx - 8) < 3, `the middle tile's ink stays near its centre (${cy}, ${cx})`);
  assert.throws(() => augmentBatch(strip.slice(), 1, [5 * tile, tile, 1], { ...cfg, tiles: 3 }, mulberry32(3)), /augment\.tiles must be a whole number dividing the sample height 80, got 3/);
});
