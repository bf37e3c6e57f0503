/**
 * The platform-free image → tensor preprocessing: polarity by the border, MNIST's crop / fit 20×20 /
 * centre of mass, and plain stretching.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { borderMean, fitCenterOfMass, imageToTensor, inkBoundingBox } from '../../pipeline/preprocess/image.ts';
import type { ImageInputSpec } from '../../pipeline/preprocess/spec.ts';

const MNIST: ImageInputSpec = { size: [28, 28, 1], scale: '0..1', polarity: 'white-on-black', fit: 'mnist-center-of-mass' };

/** A w×h image of `background` with a filled rectangle of `ink`. */
function rect(w: number, h: number, background: number, ink: number, x0: number, y0: number, x1: number, y1: number) {
  const pixels = new Uint8Array(w * h).fill(background);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) pixels[y * w + x] = ink;
  return { width: w, height: h, pixels };
}

function centreOfMass(t: Float32Array, w: number): [number, number] {
  let m = 0, cx = 0, cy = 0;
  t.forEach((v, i) => {
    m += v;
    cx += v * ((i % w) + 0.5);
    cy += v * (Math.floor(i / w) + 0.5);
  });
  return [cx / m, cy / m];
}

test('dark ink on a bright page is inverted to white on black; white on black is kept', () => {
  const page = rect(100, 100, 255, 0, 10, 10, 30, 90);
  assert.ok(borderMean(page) > 250);
  const a = imageToTensor(page, MNIST);
  const b = imageToTensor(rect(100, 100, 0, 255, 10, 10, 30, 90), MNIST);
  assert.deepEqual(a, b, 'both polarities give the same tensor');
  assert.equal(a[0], 0, 'the background is 0');
  assert.ok(Math.max(...a) > 0.9, 'the ink is near 1');
});

test('MNIST fit: the ink box fits 20×20 keeping its aspect, centred on its centre of mass in 28×28', () => {
  const tall = imageToTensor(rect(200, 200, 0, 255, 20, 10, 60, 170), MNIST); // 40×160 stroke in the top-left
  const box = inkBoundingBox(tall, 28, 28, 0.5)!;
  assert.equal(box.y1 - box.y0, 20, 'the long side becomes 20 pixels');
  assert.equal(box.x1 - box.x0, 5, 'the short side keeps the aspect ratio (40/160·20 = 5)');
  const [cx, cy] = centreOfMass(tall, 28);
  assert.ok(Math.abs(cx - 14) <= 1 && Math.abs(cy - 14) <= 1, `centre of mass (${cx}, ${cy}) is the centre`);
  assert.deepEqual(fitCenterOfMass(new Float32Array(16), 4, 4, 28, 28), new Float32Array(784), 'an empty image stays empty');
});

test('stretch fit and black-on-white models; channels are repeated', () => {
  const spec: ImageInputSpec = { size: [8, 8, 3], scale: '0..1', polarity: 'black-on-white', fit: 'stretch' };
  const t = imageToTensor(rect(8, 8, 0, 255, 2, 2, 6, 6), spec); // white square on black: ink is the square
  assert.equal(t.length, 192);
  assert.equal(t[0], 1, 'the background is paper (1) for a black-on-white model');
  assert.equal(t[(3 * 8 + 3) * 3], 0, 'ink is 0');
  assert.deepEqual([t[(3 * 8 + 3) * 3 + 1], t[(3 * 8 + 3) * 3 + 2]], [0, 0], 'channels repeat');
  const half = imageToTensor(rect(8, 8, 0, 255, 2, 2, 6, 6), { ...spec, size: [4, 4, 1] });
  assert.equal(half.length, 16);
  assert.ok(half[5]! < 0.5 && half[0]! > 0.5, 'stretching keeps the square in the middle');
  assert.throws(() => imageToTensor({ width: 2, height: 2, pixels: [1, 2, 3] }, spec), /needs 4 pixels \(got 3\)/);
});
