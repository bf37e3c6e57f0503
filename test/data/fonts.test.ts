/**
 * The glyph dataset (pipeline/data/fonts) on real fonts: a `before` hook npm-installs six pinned
 * @fontsource packages (five text fonts and the capitals-only Bebas Neue) into a temp folder, so
 * the test needs the npm registry but nothing installed on the machine.
 */
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listFontsourceFonts, type FontInfo } from '../../pipeline/data/fonts/fontsource.ts';
import { checkFont } from '../../pipeline/data/fonts/check.ts';
import { LETTERS, NO_JITTER, fontLayout, inkBox, registerFont, renderGlyph, toUnitFloats } from '../../pipeline/data/fonts/render.ts';
import { FONT_SPLITS, splitFonts } from '../../pipeline/data/fonts/split.ts';
import { buildFontDataset } from '../../pipeline/data/fonts/dataset.ts';
import { assertImageSet, classCounts } from '../../pipeline/data/imageset.ts';
import { FONT_CATEGORIES } from '../../pipeline/data/fonts/fontsource.ts';

const PACKAGES: Record<string, { version: string; category: string; license: string }> = {
  lobster: { version: '5.3.0', category: 'display', license: 'OFL-1.1' },
  caveat: { version: '5.3.0', category: 'handwriting', license: 'OFL-1.1' },
  'pt-mono': { version: '5.3.0', category: 'monospace', license: 'OFL-1.1' },
  'special-elite': { version: '5.3.0', category: 'display', license: 'Apache-2.0' },
  lora: { version: '5.3.0', category: 'serif', license: 'OFL-1.1' },
  'bebas-neue': { version: '5.3.0', category: 'sans-serif', license: 'OFL-1.1' }, // capitals only: must be rejected
};
const GOOD = ['caveat', 'lobster', 'lora', 'pt-mono', 'special-elite'];

let dir = '';
let fonts: FontInfo[] = [];
const font = (id: string) => fonts.find((f) => f.id === id)!;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onnxline-fonts-'));
  const specs = Object.entries(PACKAGES).map(([id, p]) => `@fontsource/${id}@${p.version}`);
  const t0 = performance.now();
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  try {
    await promisify(execFile)(npm, ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--prefix', dir, ...specs], { cwd: dir, timeout: 60_000 });
  } catch (e) {
    throw new Error(`npm install of the test fonts failed (needs the npm registry): ${(e as Error).message}`);
  }
  console.log(`# npm install of ${specs.length} @fontsource packages: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  fonts = listFontsourceFonts(join(dir, 'node_modules'));
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('listing: every package with its category, licence and latin regular woff2', async () => {
  assert.deepEqual(fonts.map((f) => f.id), Object.keys(PACKAGES).sort());
  for (const f of fonts) {
    assert.equal(f.category, PACKAGES[f.id].category, f.id);
    assert.equal(f.version, PACKAGES[f.id].version);
    assert.equal(f.license, PACKAGES[f.id].license, f.id);
    assert.equal(f.weight, 400);
    assert.ok(f.path.endsWith(join('@fontsource', f.id, 'files', `${f.id}-latin-400-normal.woff2`)), f.path);
    assert.ok(existsSync(f.path));
  }
  assert.equal(font('lora').family, 'Lora');
  assert.equal(font('pt-mono').family, 'PT Mono');

  // broken packages: the error names the package and what is missing
  const nm = join(dir, 'broken', 'node_modules');
  const pkg = join(nm, '@fontsource', 'nofile');
  await mkdir(join(pkg, 'files'), { recursive: true });
  await writeFile(join(pkg, 'metadata.json'), JSON.stringify({ id: 'nofile', family: 'No File', category: 'serif', weights: [400] }));
  assert.throws(() => listFontsourceFonts(nm), /@fontsource\/nofile: missing files\/nofile-latin-400-normal\.woff2/);
  await writeFile(join(pkg, 'metadata.json'), JSON.stringify({ family: 'No File', category: 'fancy' }));
  assert.throws(() => listFontsourceFonts(nm), /@fontsource\/nofile: metadata\.json has category "fancy"/);
  await rm(join(pkg, 'metadata.json'));
  assert.throws(() => listFontsourceFonts(nm), /@fontsource\/nofile: no metadata\.json/);
  assert.throws(() => listFontsourceFonts(join(dir, 'nowhere')), /No @fontsource packages in .*npm install @fontsource/);
});

test('checker: accepts the text fonts, rejects capitals-only Bebas Neue and unloadable files', () => {
  for (const id of GOOD) assert.deepEqual(checkFont(font(id)), { ok: true }, id);
  const bebas = checkFont(font('bebas-neue'));
  assert.equal(bebas.ok, false);
  assert.match(!bebas.ok ? bebas.reason : '', /^lowercase are the capitals \(capitals-only font/);
  const notAFont = checkFont({ id: 'not-a-font', path: join(dir, 'node_modules', '@fontsource', 'lora', 'metadata.json') });
  assert.equal(notAFont.ok, false);
  assert.match(!notAFont.ok ? notAFont.reason : '', /could not load the font file .*metadata\.json/);
  assert.equal(checkFont({ id: 'missing', path: join(dir, 'missing.woff2') }).ok, false);
});

test('render: deterministic for a seed, different across seeds, white ink on black', () => {
  const layout = fontLayout(registerFont(font('lora')), 100);
  const a = renderGlyph(layout, 'R', { seed: 7 });
  const b = renderGlyph(layout, 'R', { seed: 7 });
  const c = renderGlyph(layout, 'R', { seed: 8 });
  assert.equal(a.length, 100 * 100);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.deepEqual(renderGlyph(layout, 'R', { seed: 7, jitter: NO_JITTER }), renderGlyph(layout, 'R'));
  // background black, ink white, anti-aliased edges in between
  assert.equal(a[0], 0);
  assert.equal(Math.max(...a), 255);
  const f = toUnitFloats(a);
  assert.ok(f.every((v) => v >= 0 && v <= 1));
  assert.equal(f[a.indexOf(255)], 1);
  // another size
  assert.equal(renderGlyph(fontLayout(layout.alias, 28), 'R', { seed: 1 }).length, 28 * 28);
});

test('render: every letter has ink, centred, inside the image, jittered or not', () => {
  for (const id of GOOD) {
    const layout = fontLayout(registerFont(font(id)), 100);
    for (let i = 0; i < LETTERS.length; i++) {
      const ch = LETTERS[i];
      const up = inkBox(renderGlyph(layout, ch), 100, 0);
      assert.ok(up && up.ink > 20, `${id} ${ch}: no ink`);
      assert.ok(Math.abs((up.x0 + up.x1) / 2 - 49.5) <= 2, `${id} ${ch}: ink centre x ${(up.x0 + up.x1) / 2}`);
      assert.ok(up.x0 >= 5 && up.y0 >= 5 && up.x1 <= 94 && up.y1 <= 94, `${id} ${ch}: box ${JSON.stringify(up)}`);
      for (const seed of [i, 1000 + i]) {
        const j = inkBox(renderGlyph(layout, ch, { seed }), 100, 0);
        assert.ok(j && j.x0 > 0 && j.y0 > 0 && j.x1 < 99 && j.y1 < 99, `${id} ${ch} seed ${seed}: touches the edge ${JSON.stringify(j)}`);
      }
    }
  }
});

test('render: case is kept — o is smaller than O, both on the font baseline; p descends', () => {
  for (const id of GOOD) {
    const layout = fontLayout(registerFont(font(id)), 100);
    const box = (ch: string) => inkBox(renderGlyph(layout, ch), 100)!;
    const O = box('O'), o = box('o'), p = box('p');
    assert.ok(o.y1 - o.y0 < 0.85 * (O.y1 - O.y0), `${id}: o height ${o.y1 - o.y0} vs O ${O.y1 - O.y0}`);
    assert.ok(o.ink < O.ink, `${id}: o ink ${o.ink} vs O ${O.ink}`);
    assert.ok(o.y0 > O.y0 + 5, `${id}: o top ${o.y0} should be well below O top ${O.y0}`);
    assert.ok(Math.abs(o.y1 - layout.baseline) <= 4, `${id}: o bottom ${o.y1} should sit on the baseline ${layout.baseline.toFixed(1)}`);
    assert.ok(Math.abs(O.y1 - layout.baseline) <= 6, `${id}: O bottom ${O.y1} should sit on the baseline ${layout.baseline.toFixed(1)}`);
    assert.ok(p.y1 > layout.baseline + 8, `${id}: p bottom ${p.y1} should be well below the baseline ${layout.baseline.toFixed(1)}`);
  }
});

test('split: deterministic, disjoint, complete, every category in every split, ~70/15/15', () => {
  const synthetic = FONT_CATEGORIES.flatMap((category) => Array.from({ length: 20 }, (_, i) => ({ id: `${category}-${i}`, category })));
  const s = splitFonts(synthetic, 42);
  assert.deepEqual(splitFonts(synthetic, 42), s);
  assert.deepEqual(splitFonts([...synthetic].reverse(), 42), s, 'input order does not matter');
  assert.notDeepEqual(splitFonts(synthetic, 43), s);
  const all = [...s.train, ...s.validation, ...s.test];
  assert.equal(new Set(all).size, all.length, 'no font in two splits');
  assert.deepEqual([...all].sort(), synthetic.map((f) => f.id).sort());
  for (const category of FONT_CATEGORIES) {
    const n = (split: string[]) => split.filter((id) => id.startsWith(`${category}-`)).length;
    assert.deepEqual([n(s.train), n(s.validation), n(s.test)], [14, 3, 3], category);
  }
  // a category with 3 fonts still reaches every split
  const three = [{ id: 'a', category: 'serif' as const }, { id: 'b', category: 'serif' as const }, { id: 'c', category: 'serif' as const }];
  for (let seed = 0; seed < 5; seed++) {
    const t = splitFonts(three, seed);
    assert.deepEqual([t.train.length, t.validation.length, t.test.length], [1, 1, 1]);
  }
  // small categories are pooled: the five accepted fonts here (≤ 2 per category) still fill every split
  const real = splitFonts(fonts.filter((f) => GOOD.includes(f.id)), 1);
  assert.deepEqual(FONT_SPLITS.map((k) => real[k].length), [3, 1, 1]);
  assert.throws(() => splitFonts([...three, three[0]], 1), /"a" is listed twice/);
  assert.throws(() => splitFonts(three, 1, { validation: 0.6, test: 0.5 }), /validation \+ test < 1/);
});

test('dataset: counts per split, labels 0..51, fonts kept apart, rejected fonts reported, deterministic', () => {
  const options = { nodeModules: join(dir, 'node_modules'), seed: 5, samplesPerClass: { train: 2, validation: 1, test: 1 } };
  const { dataset, summary } = buildFontDataset(options);
  assert.deepEqual(summary.rejected.map((r) => r.id), ['bebas-neue']);
  assert.match(summary.rejected[0].reason, /capitals/);
  assert.deepEqual(dataset.classNames, [...LETTERS]);
  const fontsIn = FONT_SPLITS.map((s) => summary.fonts[s].length);
  assert.deepEqual(fontsIn, [3, 1, 1]);
  assert.deepEqual([...summary.fonts.train, ...summary.fonts.validation, ...summary.fonts.test].sort(), GOOD);
  const cats = FONT_SPLITS.map((s) => Object.values(summary.fontsPerCategory[s]).reduce((a, b) => a + b, 0));
  assert.deepEqual(cats, fontsIn);
  for (const [s, per] of [['train', 2], ['validation', 1], ['test', 1]] as const) {
    const set = dataset[s];
    assertImageSet(set, s, 52);
    assert.deepEqual(set.shape, [100, 100, 1]);
    assert.equal(set.count, summary.fonts[s].length * 52 * per);
    assert.equal(summary.samples[s], set.count);
    assert.deepEqual(classCounts(set, 52), new Array(52).fill(summary.fonts[s].length * per), `${s}: every letter equally often`);
    assert.equal(Math.min(...set.labels), 0);
    assert.equal(Math.max(...set.labels), 51);
  }
  assert.notDeepEqual(Array.from(dataset.train.labels.subarray(0, 52)), Array.from({ length: 52 }, (_, i) => i % 52), 'shuffled');
  const again = buildFontDataset(options);
  assert.deepEqual(again.summary, summary);
  assert.deepEqual(again.dataset.train.pixels, dataset.train.pixels);
  assert.deepEqual(again.dataset.test.labels, dataset.test.labels);
  assert.throws(() => buildFontDataset({ ...options, samplesPerClass: 0 }), /samplesPerClass for train must be a positive integer/);
  assert.throws(() => buildFontDataset({ seed: 1, samplesPerClass: 1 }), /pass nodeModules/);
});
