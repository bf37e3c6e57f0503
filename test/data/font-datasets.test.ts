/**
 * The `fonts` and `letters` registry datasets on a small subset of the pinned set (seven fonts
 * npm-installed into a temp folder by ensureFontSet, so the test needs the npm registry but never
 * installs the whole set): shapes, classes, exact per-class counts, determinism, the cache key,
 * font-disjoint splits, and letters normalised like MNIST (and like a drawing in the web demo).
 */
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FONT_SET, ensureFontSet, type PinnedFont } from '../../pipeline/data/fonts/font-set.ts';
import type { FontInfo } from '../../pipeline/data/fonts/fontsource.ts';
import { datasets, loadDataset } from '../../pipeline/data/registry.ts';
import { classCounts } from '../../pipeline/data/imageset.ts';
import { LETTERS, fontLayout, registerFont } from '../../pipeline/data/fonts/render.ts';
import { LETTER_CLASSES, buildLetterDataset, renderLetterSample, setStrokeWidth, strokeWidth, LETTER_JITTER } from '../../pipeline/data/fonts/letters.ts';
import { imageToTensor } from '../../pipeline/preprocess/image.ts';
import type { ImageSet } from '../../pipeline/data/types.ts';

const IDS = ['caveat', 'indie-flower', 'patrick-hand', 'lato', 'open-sans', 'roboto', 'lora'];
const TINY: PinnedFont[] = IDS.map((id) => FONT_SET.find((f) => f.id === id)!);
const SPEC = { seed: 5, validationFraction: 0.15, testFraction: 0.15 };

let dir = '';
let installed: FontInfo[] = [];
const logs: string[] = [];

before(async () => {
  assert.ok(TINY.every(Boolean), 'test fonts are in the pinned set');
  dir = await mkdtemp(join(tmpdir(), 'onnxline-font-datasets-'));
  const t0 = performance.now();
  installed = await ensureFontSet(dir, (l) => logs.push(l), TINY);
  console.log(`# ensureFontSet of ${TINY.length} fonts: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('ensureFontSet: one log line, the pinned versions, then idempotent and fast', async () => {
  assert.equal(logs.length, 1);
  assert.match(logs[0]!, /^fonts: installing 7 @fontsource package\(s\) \(caveat@5\.3\.0, /);
  assert.deepEqual(installed.map((f) => f.id), IDS);
  for (const f of installed) assert.equal(f.version, TINY.find((t) => t.id === f.id)!.version);
  const t0 = performance.now();
  const again = await ensureFontSet(dir, (l) => logs.push(l), TINY.slice(0, 2));
  assert.ok(performance.now() - t0 < 500);
  assert.equal(logs.length, 1, 'no npm call when installed');
  assert.deepEqual(again.map((f) => f.id), IDS.slice(0, 2));
});

function assertCounts(set: ImageSet, classes: number, perClass: number): void {
  assert.equal(set.count, classes * perClass);
  assert.deepEqual(classCounts(set, classes), new Array(classes).fill(perClass));
}

test('fonts: 100×100 uint8 white on black, 52 classes, exact per-class quotas, deterministic, cached by key', async () => {
  const o = { dir, fontSet: TINY, params: { trainPerClass: 6, validationPerClass: 3, testPerClass: 2 } };
  const ds = await datasets.fonts.load(SPEC, o);
  assert.deepEqual(ds.classNames, [...LETTERS]);
  assert.deepEqual(ds.train.shape, [100, 100, 1]);
  assertCounts(ds.train, 52, 6);
  assertCounts(ds.validation, 52, 3);
  assertCounts(ds.test, 52, 2);
  assert.match(ds.source, /7 fonts \(3\/2\/2 train\/validation\/test fonts\), 0 rejected, 52 letters, 100×100, 6\/3\/2 per class/);
  assert.equal(ds.train.pixels[0], 0); // background black in the corner
  assert.ok(ds.train.pixels.some((v) => v === 255));
  const again = await datasets.fonts.load(SPEC, o);
  assert.deepEqual(again.train.pixels, ds.train.pixels);
  assert.deepEqual(again.test.labels, ds.test.labels);
  // the cache key covers the parameters, the fonts and the seed
  const key = await datasets.fonts.cacheKey(SPEC, o);
  assert.notEqual(await datasets.fonts.cacheKey(SPEC, { ...o, params: { ...o.params, trainPerClass: 7 } }), key);
  assert.notEqual(await datasets.fonts.cacheKey(SPEC, { ...o, fontSet: TINY.slice(1) }), key);
  assert.notEqual(await datasets.fonts.cacheKey({ ...SPEC, seed: 6 }, o), key);
  assert.notEqual(await datasets.fonts.cacheKey(SPEC, { dir, params: o.params }), key, 'the pinned set differs from the tiny one');
  const cacheDir = join(dir, 'dataset-cache');
  const cached = await loadDataset('fonts', SPEC, { ...o, cacheDir, log: () => {} });
  const fromCache = await loadDataset('fonts', SPEC, { ...o, cacheDir, log: () => {} });
  assert.deepEqual(fromCache.validation.pixels, cached.validation.pixels);
  assert.equal(fromCache.source, ds.source);
  await assert.rejects(datasets.fonts.load(SPEC, { ...o, params: { trainPerClas: 3 } }), /dataset fonts has no option trainPerClas/);
  await assert.rejects(datasets.fonts.load(SPEC, { ...o, params: { trainPerClass: 0 } }), /trainPerClass must be an integer in 1\.\./);
});

/** Ink bounding box (> threshold) and centre of mass of a 28×28 uint8 sample. */
function geometry(px: ArrayLike<number>, threshold = 26): { w: number; h: number; cx: number; cy: number } {
  let x0 = 28, y0 = 28, x1 = -1, y1 = -1, m = 0, sx = 0, sy = 0;
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const v = px[y * 28 + x]!;
      m += v;
      sx += v * (x + 0.5);
      sy += v * (y + 0.5);
      if (v > threshold) (x0 = Math.min(x0, x)), (x1 = Math.max(x1, x)), (y0 = Math.min(y0, y)), (y1 = Math.max(y1, y));
    }
  }
  return { w: x1 - x0 + 1, h: y1 - y0 + 1, cx: sx / m, cy: sy / m };
}

test('letters: 28×28, 37 EMNIST-balanced classes, exact quotas, MNIST-normalised ink, deterministic', async () => {
  const o = { dir, fontSet: TINY, params: { trainPerClass: 8, validationPerClass: 4, testPerClass: 4 } };
  const ds = await datasets.letters.load(SPEC, o);
  assert.equal(LETTER_CLASSES.length, 37);
  assert.deepEqual(ds.classNames, [...LETTER_CLASSES]);
  assert.deepEqual(ds.train.shape, [28, 28, 1]);
  assertCounts(ds.train, 37, 8);
  assertCounts(ds.validation, 37, 4);
  assertCounts(ds.test, 37, 4);
  assert.match(ds.source, /handwriting\+sans-serif|sans-serif\+handwriting/);
  assert.match(ds.source, /6 fonts \(2\/2\/2 train\/validation\/test\)/, 'lora (serif) is not a letters font');
  for (const set of [ds.train, ds.validation, ds.test]) {
    for (let i = 0; i < set.count; i++) {
      const g = geometry(set.pixels.subarray(i * 784, (i + 1) * 784));
      assert.ok(Math.max(g.w, g.h) <= 21 && Math.max(g.w, g.h) >= 18, `sample ${i} (${ds.classNames[set.labels[i]!]}): ink box ${g.w}×${g.h}`);
      assert.ok(Math.abs(g.cx - 14) <= 1 && Math.abs(g.cy - 14) <= 1, `sample ${i}: centre of mass (${g.cx.toFixed(2)}, ${g.cy.toFixed(2)})`);
    }
  }
  const again = await datasets.letters.load(SPEC, o);
  assert.deepEqual(again.train.pixels, ds.train.pixels);
  assert.deepEqual(again.train.labels, ds.train.labels);
  assert.notEqual(await datasets.letters.cacheKey(SPEC, o), await datasets.letters.cacheKey(SPEC, { ...o, params: { ...o.params, strokeMax: 0.2 } }));
  await assert.rejects(datasets.letters.load(SPEC, { ...o, params: { categories: 'cursive' } }), /categories must be a comma-separated list/);
});

test('letters: fonts split train/validation/test without overlap; a sample is what the web demo would feed', () => {
  const fonts = installed.filter((f) => f.category === 'handwriting' || f.category === 'sans-serif');
  const { summary, dataset } = buildLetterDataset({ fonts, seed: 9, perClass: { train: 2, validation: 1, test: 1 } });
  const { train, validation, test: testFonts } = summary.fonts;
  assert.equal(train.length + validation.length + testFonts.length, fonts.length);
  assert.equal(new Set([...train, ...validation, ...testFonts]).size, fonts.length);
  assert.ok(validation.length >= 1 && testFonts.length >= 1);
  assert.equal(dataset.train.count, 37 * 2);
  // The demo prepares a drawing (dark ink on white, any size) with imageToTensor; a sample run
  // through it again (inverted, as a page) comes back almost unchanged: it is already MNIST-fitted.
  const px = dataset.train.pixels.subarray(0, 784);
  const page = Uint8Array.from(px, (v) => 255 - v);
  const t = imageToTensor({ width: 28, height: 28, pixels: page }, { size: [28, 28, 1], scale: '0..1', polarity: 'white-on-black', fit: 'mnist-center-of-mass' });
  let diff = 0;
  for (let i = 0; i < 784; i++) diff += Math.abs(t[i]! - px[i]! / 255);
  assert.ok(diff / 784 < 0.05, `mean abs diff ${diff / 784}`);
});

test('letters: pen width follows the target; merged classes alternate the two cases', () => {
  const caveat = installed.find((f) => f.id === 'caveat')!;
  const layout = fontLayout(registerFont(caveat), 96);
  const opts = { jitter: LETTER_JITTER, size: 28 };
  const thin = renderLetterSample(layout, 'A', 1, { ...opts, stroke: [0.05, 0.05] });
  const thick = renderLetterSample(layout, 'A', 1, { ...opts, stroke: [0.2, 0.2] });
  const ink = (p: Uint8Array) => p.reduce((a, b) => a + b, 0);
  assert.ok(ink(thick) > 1.3 * ink(thin), `ink ${ink(thick)} vs ${ink(thin)}`);
  const glyph = new Uint8Array(96 * 96);
  for (let y = 20; y < 76; y++) for (let x = 40; x < 44; x++) glyph[y * 96 + x] = 255; // a 4-px bar, 56 tall
  assert.ok(Math.abs(strokeWidth(glyph, 96).width - 4) < 0.5);
  const wide = setStrokeWidth(glyph, 96, 0.15); // 0.15 × ~56 ≈ 8.4 px: two dilations
  assert.ok(Math.abs(strokeWidth(wide, 96).width - 8) < 1, `${strokeWidth(wide, 96).width}`);
  assert.deepEqual(LETTER_CLASSES.filter((c) => c.length > 1), ['Cc', 'Iil', 'Jj', 'Kk', 'Mm', 'Oo', 'Pp', 'Ss', 'Uu', 'Vv', 'Ww', 'Xx', 'Yy', 'Zz']);
  const all = LETTER_CLASSES.join('');
  assert.equal(new Set(all).size, 52, 'every letter in exactly one class');
});
