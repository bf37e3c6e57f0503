/**
 * The pinned font set (pipeline/data/fonts/font-set.ts), without installing it: its size and
 * spread over the five categories, exact 5.x versions, no duplicates, no excluded font; the
 * fingerprint and cache folder; and ensureFontSet's error when npm cannot install.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXCLUDED_FONTS, FONT_SET, ensureFontSet, fontCacheDir, fontInstallArgs, fontSetFingerprint, fontsOfCategories } from '../../pipeline/data/fonts/font-set.ts';
import { FONT_CATEGORIES } from '../../pipeline/data/fonts/fontsource.ts';
import { LETTER_FONT_CATEGORIES } from '../../pipeline/data/fonts/letters.ts';

test('the set: ≥ 60 fonts, every category ≥ 10, ≥ 25 handwriting, no duplicates, exact 5.x versions', () => {
  assert.ok(FONT_SET.length >= 60, `${FONT_SET.length} fonts`);
  for (const c of FONT_CATEGORIES) {
    const n = FONT_SET.filter((f) => f.category === c).length;
    assert.ok(n >= 10, `${c}: ${n} fonts`);
  }
  assert.ok(fontsOfCategories(['handwriting']).length >= 25);
  assert.equal(new Set(FONT_SET.map((f) => f.id)).size, FONT_SET.length, 'duplicate ids');
  for (const f of FONT_SET) {
    assert.match(f.version, /^5\.\d+\.\d+$/, `${f.id}@${f.version}`);
    assert.match(f.id, /^[a-z0-9]+(-[a-z0-9]+)*$/, f.id);
    assert.ok(!(f.id in EXCLUDED_FONTS), `${f.id} is excluded: ${EXCLUDED_FONTS[f.id]}`);
  }
  for (const id of ['bebas-neue', 'bangers', 'luckiest-guy', 'bungee', 'creepster', 'staatliches', 'graduate', 'bowlby-one-sc', 'permanent-marker', 'monoton', 'sigmar-one', 'amatic-sc', 'rock-salt', 'unifrakturmaguntia', 'homemade-apple']) {
    assert.ok(id in EXCLUDED_FONTS, id);
  }
  // letters draws on handwriting + sans-serif
  assert.ok(fontsOfCategories(LETTER_FONT_CATEGORIES).length >= 50);
});

test('fingerprint: order-independent, changes with a version or a font', () => {
  const fp = fontSetFingerprint();
  assert.match(fp, /^[0-9a-f]{16}$/);
  assert.equal(fontSetFingerprint([...FONT_SET].reverse()), fp);
  assert.notEqual(fontSetFingerprint(FONT_SET.slice(1)), fp);
  assert.notEqual(fontSetFingerprint([{ ...FONT_SET[0]!, version: '5.0.0' }, ...FONT_SET.slice(1)]), fp);
});

test('cache folder: ONNXLINE_CACHE_DIR/fonts, else <repo>/.cache/fonts; npm arguments', () => {
  const saved = process.env.ONNXLINE_CACHE_DIR;
  try {
    process.env.ONNXLINE_CACHE_DIR = '/somewhere/cache';
    assert.equal(fontCacheDir(), join('/somewhere/cache', 'fonts'));
    delete process.env.ONNXLINE_CACHE_DIR;
    assert.match(fontCacheDir(), /[\\/]\.cache[\\/]fonts$/);
  } finally {
    if (saved === undefined) delete process.env.ONNXLINE_CACHE_DIR;
    else process.env.ONNXLINE_CACHE_DIR = saved;
  }
  assert.deepEqual(fontInstallArgs('/d', [{ id: 'lora', version: '5.3.0' }]), ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', '--prefix', '/d', '@fontsource/lora@5.3.0']);
});

test('ensureFontSet: a failed npm install says the registry is needed and how to pre-install', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'onnxline-fontset-'));
  const lines: string[] = [];
  try {
    await assert.rejects(
      ensureFontSet(dir, (l) => lines.push(l), [{ id: 'lora', version: '0.0.0-no-such-version', category: 'serif' }]),
      (e: Error) => /could not install the pinned @fontsource fonts into .*npm install failed/.test(e.message) && /need the npm registry/.test(e.message) && /pre-install/.test(e.message),
    );
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^fonts: installing 1 @fontsource package\(s\) \(lora@0\.0\.0-no-such-version\)/);
    await assert.rejects(ensureFontSet(dir, () => {}, [{ id: 'lora', version: '5.3.0', category: 'serif' }, { id: 'lora', version: '5.3.0', category: 'serif' }]), /lists @fontsource\/lora twice/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
