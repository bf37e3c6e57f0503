/**
 * The misclassified-samples sheet: one tile per sample given, white-on-black images shown
 * inverted (ink dark on white), black-on-white and RGB images as they are.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { misclassifiedPng, type MisclassifiedSample } from '../../pipeline/charts/misclassified.ts';

/** Pixels of exactly this colour in a PNG. */
async function countColour(png: Uint8Array, rgb: [number, number, number]): Promise<number> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let n = 0;
  for (let i = 0; i < data.length; i += info.channels) if (data[i] === rgb[0] && data[i + 1] === rgb[1] && data[i + 2] === rgb[2]) n++;
  return n;
}

const sample = (index: number, value: number, channels = 1): MisclassifiedSample => ({ index, truth: 1, predicted: 7, confidence: 0.93, pixels: new Uint8Array(28 * 28 * channels).fill(value) });
const sheet = (samples: MisclassifiedSample[], polarity: 'white-on-black' | 'black-on-white', channels = 1) =>
  misclassifiedPng({ title: 't', labels: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], shape: [28, 28, channels], polarity, samples, totalWrong: samples.length });

test('each white-on-black sample is one tile, drawn inverted: full ink becomes a black square', async () => {
  const one = await countColour(sheet([sample(3, 255)], 'white-on-black'), [0, 0, 0]);
  const three = await countColour(sheet([sample(3, 255), sample(9, 255), sample(12, 255)], 'white-on-black'), [0, 0, 0]);
  assert.ok(one >= 28 * 28, `one tile is at least 28×28 black pixels, got ${one}`);
  assert.equal(Math.sqrt(one) % 28, 0, `a tile is a whole-number upscale of 28×28: ${one} black pixels`);
  assert.equal(three, 3 * one, 'three samples, three tiles');
  assert.equal(await countColour(sheet([sample(3, 0)], 'white-on-black'), [0, 0, 0]), 0, 'blank white-on-black background is drawn white, not black');
});

test('black-on-white and RGB samples are drawn as they are', async () => {
  assert.equal(await countColour(sheet([sample(1, 255)], 'black-on-white'), [0, 0, 0]), 0, 'a white black-on-white image stays white');
  const dark = await countColour(sheet([sample(1, 0)], 'black-on-white'), [0, 0, 0]);
  assert.ok(dark >= 28 * 28);
  const rgb = sample(1, 0, 3);
  for (let p = 0; p < 28 * 28; p++) rgb.pixels.set([200, 30, 60], p * 3);
  assert.equal(await countColour(sheet([rgb], 'black-on-white', 3), [200, 30, 60]), dark, 'an RGB tile keeps its colour, pixel for pixel');
  assert.throws(() => misclassifiedPng({ title: 't', labels: ['a'], shape: [14, 14, 2], polarity: 'black-on-white', samples: [], totalWrong: 0 }), /grey or RGB images, not 2 channels/);
});
