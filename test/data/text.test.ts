/**
 * The `debian-packages` text dataset: apt list reading and parsing (through apt-helper, as the
 * real lists are read), section prefixes and top sections, the missing-lists error, both
 * tokenisers, the split's determinism and the uint16 cache round trip.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { withTempDir } from './helpers.ts';
import { listPackagesFiles, normalizeSection, parsePackages, readAptPackages, topSections, type PackageRecord } from '../../pipeline/data/text/apt-lists.ts';
import { CHAR_VOCAB_SIZE, PAD_ID, UNKNOWN_ID, buildWordVocabulary, charIds, fitLength, tokenVocabularySize, wordIds, words } from '../../pipeline/data/text/tokenize.ts';
import { buildTextDataset, debianPackagesDataset, distinctDescriptions, textDatasetOptions } from '../../pipeline/data/text/debian-packages.ts';
import { decodeDatasetCache, encodeDatasetCache } from '../../pipeline/data/cache.ts';
import { getDataset, loadDataset } from '../../pipeline/data/registry.ts';
import { textRecipes, TEXT_SECTIONS } from '../../models/text.ts';

const stanza = (name: string, section: string, description: string, extra = '') =>
  `Package: ${name}\nVersion: 1.0-1\n${section ? `Section: ${section}\n` : ''}Maintainer: Someone <a@b.c>\nDescription: ${description}\n${extra}Description-md5: 0123\n`;

const SUITE_A = [
  stanza('alpha', 'utils', 'Alpha text utility'),
  stanza('beta', 'contrib/net', 'Beta network daemon', ''),
  // a long description: continuation lines, a " ." paragraph break
  `Package: gamma\nSection: non-free/libs\nDescription: Gamma shared library\n This package provides the shared\n library.\n .\n Second paragraph.\nHomepage: https://example.org\n`,
  stanza('nosection', '', 'Has no section'),
  stanza('delta', 'non-free-firmware/kernel', 'Delta firmware'),
].join('\n');
// The same packages again (another suite), one with a different description: the first file read wins.
const SUITE_B = [stanza('alpha', 'utils', 'Alpha from backports'), stanza('epsilon', 'utils', 'Epsilon tool')].join('\n');

async function writeLists(dir: string): Promise<void> {
  await writeFile(join(dir, 'deb.example.org_debian_dists_a_main_binary-amd64_Packages'), SUITE_A);
  await writeFile(join(dir, 'deb.example.org_debian_dists_b_main_binary-amd64_Packages.gz'), gzipSync(SUITE_B));
  await writeFile(join(dir, 'deb.example.org_debian_dists_a_InRelease'), 'not a list');
}

describe('apt lists', () => {
  it('parses stanzas: multi-line descriptions, section prefixes, stanzas without a section skipped', () => {
    const records = parsePackages(SUITE_A);
    assert.deepEqual(records, [
      { name: 'alpha', section: 'utils', description: 'Alpha text utility' },
      { name: 'beta', section: 'net', description: 'Beta network daemon' },
      { name: 'gamma', section: 'libs', description: 'Gamma shared library This package provides the shared library. Second paragraph.' },
      { name: 'delta', section: 'kernel', description: 'Delta firmware' },
    ]);
    assert.equal(normalizeSection('contrib/games'), 'games');
    assert.equal(normalizeSection('non-free/doc'), 'doc');
    assert.equal(normalizeSection('non-free-firmware/kernel'), 'kernel');
    assert.equal(normalizeSection('python'), 'python');
  });

  it('reads every *_Packages list (plain and compressed) and drops duplicates by name', async () => {
    await withTempDir(async (dir) => {
      await writeLists(dir);
      const files = await listPackagesFiles(dir);
      assert.equal(files.length, 2);
      const { packages } = await readAptPackages(dir);
      assert.deepEqual(packages.map((p) => p.name), ['alpha', 'beta', 'gamma', 'delta', 'epsilon']);
      assert.equal(packages[0]!.description, 'Alpha text utility', 'the first list (in file-name order) wins');
      assert.deepEqual(topSections(packages, 2), [
        { section: 'utils', count: 2 },
        { section: 'kernel', count: 1 }, // ties by name
      ]);
    });
  });

  it('a missing folder or one without lists is an error saying apt-get update', async () => {
    await withTempDir(async (dir) => {
      const re = /No Debian package lists in .*apt-get update.*debian-packages|apt-get update/s;
      await assert.rejects(readAptPackages(join(dir, 'absent')), (e: Error) => re.test(e.message) && /does not exist/.test(e.message) && /package descriptions/.test(e.message));
      await mkdir(join(dir, 'empty'));
      await assert.rejects(readAptPackages(join(dir, 'empty')), (e: Error) => /apt-get update/.test(e.message) && /no \*_Packages files/.test(e.message));
      await assert.rejects(
        loadDataset('debian-packages', { seed: 1, validationFraction: 0.1, testFraction: 0.1 }, { dir: join(dir, 'absent'), cache: false }),
        /apt-get update/,
      );
    });
  });
});

describe('tokenisers', () => {
  it('char level: lowercased printable ASCII, others unknown', () => {
    assert.deepEqual(charIds('Ab ~é'), [2 + 97 - 32, 2 + 98 - 32, 2, 2 + 126 - 32, UNKNOWN_ID]);
    assert.deepEqual(charIds('AB'), charIds('ab'));
    assert.equal(CHAR_VOCAB_SIZE, 97);
    assert.ok(Math.max(...charIds('~~ zz !!')) < CHAR_VOCAB_SIZE);
    assert.equal(tokenVocabularySize('char', 5000), 97);
    assert.equal(tokenVocabularySize('word', 5000), 5002);
  });

  it('word level: lowercased words, vocabulary by frequency (ties alphabetically), unknown words', () => {
    assert.deepEqual(words('Node.js bindings for GTK-3, C++ (dev)!'), ['node.js', 'bindings', 'for', 'gtk-3', 'c++', 'dev']);
    const vocab = buildWordVocabulary(['b a c', 'a b', 'a d'], 2);
    assert.deepEqual([...vocab], [['a', 2], ['b', 3]]);
    assert.deepEqual(wordIds('A c b', vocab), [2, UNKNOWN_ID, 3]);
  });

  it('fits to a length: padding at the front, truncation at the end', () => {
    assert.deepEqual([...fitLength([5, 6], 4)], [PAD_ID, PAD_ID, 5, 6]);
    assert.deepEqual([...fitLength([5, 6, 7, 8, 9], 3)], [5, 6, 7]);
    const out = new Uint16Array(6).fill(9);
    fitLength([3], 3, out, 3);
    assert.deepEqual([...out], [9, 9, 9, 0, 0, 3]);
  });
});

/** 4 sections × 60 packages; each description holds a word of its own ("uniqN") and a section word. */
function synthetic(): PackageRecord[] {
  const out: PackageRecord[] = [];
  const sections = ['libs', 'net', 'doc', 'games'];
  for (const [k, s] of sections.entries()) {
    for (let i = 0; i < 60 + k * 10; i++) out.push({ name: `${s}-${i}`, section: s, description: `${s}word common uniq${k * 1000 + i} words here` });
  }
  return out;
}
const SPEC = { seed: 7, validationFraction: 0.2, testFraction: 0.2 };

describe('building the dataset', () => {
  it('word level: the vocabulary comes from the training split only', () => {
    const opts = textDatasetOptions({ level: 'word', length: 6, vocab: 1000, perClass: 50, sections: 'libs,net,doc,games' });
    const { dataset, vocabulary } = buildTextDataset(synthetic(), SPEC, opts);
    assert.deepEqual(dataset.classNames, ['libs', 'net', 'doc', 'games']);
    assert.deepEqual([dataset.train.count, dataset.validation.count, dataset.test.count], [120, 40, 40], '50 per section, 10 + 10 of each to validation / test');
    assert.deepEqual(dataset.train.shape, [6, 1, 1]);
    assert.ok(dataset.train.pixels instanceof Uint16Array);
    // every training sample's own word is known; every validation / test sample's own word is not
    const uniqKnown = [...vocabulary!.keys()].filter((w) => w.startsWith('uniq')).length;
    assert.equal(uniqKnown, 120);
    const row = (set: typeof dataset.train, i: number) => [...set.pixels.subarray(i * 6, i * 6 + 6)];
    for (let i = 0; i < dataset.train.count; i++) assert.ok(!row(dataset.train, i).includes(UNKNOWN_ID));
    for (const set of [dataset.validation, dataset.test]) for (let i = 0; i < set.count; i++) assert.equal(row(set, i).filter((v) => v === UNKNOWN_ID).length, 1);
    // 5 words, padded to 6 at the front
    assert.equal(dataset.train.pixels[0], PAD_ID);
    // labels follow the section word
    for (let i = 0; i < dataset.test.count; i++) assert.equal(row(dataset.test, i)[1], vocabulary!.get(`${dataset.classNames[dataset.test.labels[i]!]}word`));
  });

  it('char level, default sections = the largest ones, caps per class', () => {
    const opts = textDatasetOptions({ level: 'char', length: 10, perClass: 1000, topN: 2 });
    const { dataset, vocabulary } = buildTextDataset(synthetic(), SPEC, opts);
    assert.equal(vocabulary, undefined);
    assert.deepEqual(dataset.classNames, ['games', 'doc']);
    assert.equal(dataset.train.count + dataset.validation.count + dataset.test.count, 90 + 80);
    assert.deepEqual([...dataset.test.pixels.subarray(0, 10)], charIds(`${dataset.classNames[dataset.test.labels[0]!]}word common`).slice(0, 10), 'truncated at the end');
  });

  it('is deterministic for a seed, and another seed gives another split', () => {
    const opts = textDatasetOptions({ level: 'word', length: 6, vocab: 50, perClass: 40, sections: 'libs,net,doc,games' });
    const a = buildTextDataset(synthetic(), SPEC, opts).dataset;
    const b = buildTextDataset(synthetic(), SPEC, opts).dataset;
    const c = buildTextDataset(synthetic(), { ...SPEC, seed: 8 }, opts).dataset;
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.train.labels, c.train.labels);
  });

  it('rejects unknown options, bad levels and absent sections', () => {
    assert.throws(() => textDatasetOptions({ levl: 'word' }), /no option levl/);
    assert.throws(() => textDatasetOptions({ level: 'byte' }), /char.*word/);
    assert.throws(() => buildTextDataset(synthetic(), SPEC, textDatasetOptions({ sections: 'libs,nothere' })), /nothere/);
  });

  it('token ids above 255 survive the binary cache as uint16', () => {
    const opts = textDatasetOptions({ level: 'word', length: 8, vocab: 1000, perClass: 60, sections: 'libs,net,doc,games' });
    const richer = synthetic().map((p) => ({ ...p, description: `${p.description} x${p.name} y${p.name}` }));
    const { dataset } = buildTextDataset(richer, SPEC, opts);
    assert.ok(Math.max(...dataset.train.pixels) > 255);
    const back = decodeDatasetCache(encodeDatasetCache('k', dataset), 'k');
    for (const s of ['train', 'validation', 'test'] as const) {
      assert.ok(back[s].pixels instanceof Uint16Array);
      assert.deepEqual([...back[s].pixels], [...dataset[s].pixels]);
      assert.deepEqual([...back[s].labels], [...dataset[s].labels]);
      assert.deepEqual(back[s].shape, dataset[s].shape);
    }
  });
});

describe('the registry entry', () => {
  it('loads from a lists folder through the cache; the key follows options and files', async () => {
    await withTempDir(async (dir) => {
      const lists = join(dir, 'lists');
      await mkdir(lists);
      const many = Array.from({ length: 40 }, (_, i) => [stanza(`u${i}`, 'utils', `tool number ${i} for text`), stanza(`n${i}`, 'contrib/net', `network daemon ${i}`)].join('\n')).join('\n');
      await writeFile(join(lists, 'x_dists_y_main_binary-amd64_Packages'), many);
      const spec = { seed: 3, validationFraction: 0.25, testFraction: 0.25 };
      const params = { level: 'word', length: 5, vocab: 100, perClass: 40, sections: 'utils,net' };
      const entry = getDataset('debian-packages');
      assert.equal(entry, debianPackagesDataset);
      const key = await entry.cacheKey(spec, { dir: lists, params });
      assert.notEqual(key, await entry.cacheKey(spec, { dir: lists, params: { ...params, length: 6 } }));
      assert.notEqual(key, await entry.cacheKey({ ...spec, seed: 4 }, { dir: lists, params }));
      const logs: string[] = [];
      const a = await loadDataset('debian-packages', spec, { dir: lists, params, cacheDir: join(dir, 'cache'), log: (l) => logs.push(l) });
      const b = await loadDataset('debian-packages', spec, { dir: lists, params, cacheDir: join(dir, 'cache'), log: (l) => logs.push(l) });
      assert.deepEqual(logs, []);
      assert.deepEqual([a.train.count, a.validation.count, a.test.count], [40, 20, 20]);
      assert.ok(b.train.pixels instanceof Uint16Array);
      assert.deepEqual([...b.test.pixels], [...a.test.pixels]);
      await writeFile(join(lists, 'x_dists_z_main_binary-amd64_Packages'), stanza('extra', 'utils', 'more'));
      assert.notEqual(key, await entry.cacheKey(spec, { dir: lists, params }), 'a new list changes the key');
    });
  });

  it('every text recipe names 15 fixed sections and ≥ 512 validation samples', () => {
    assert.equal(TEXT_SECTIONS.length, 15);
    assert.equal(textRecipes.length, 10);
    for (const r of textRecipes) {
      assert.equal(r.data.dataset, 'debian-packages');
      assert.deepEqual(r.labels, TEXT_SECTIONS);
      const o = textDatasetOptions(r.data.options);
      assert.equal(o.sections.join(','), TEXT_SECTIONS.join(','));
      assert.deepEqual(r.input.size, [o.length, 1, 1]);
      assert.equal(r.input.scale, 'none');
      assert.ok(Math.round(o.perClass * r.data.validationFraction) * 15 >= 512);
    }
  });
});

describe('distinct descriptions', () => {
  it('keeps one package per text, drops texts shared by two sections, so no text is in two splits', () => {
    const pkgs: PackageRecord[] = [
      { name: 'b-doc', section: 'doc', description: 'Shared  Text' },
      { name: 'a-doc', section: 'doc', description: 'shared text' },
      { name: 'x', section: 'libs', description: 'ambiguous' },
      { name: 'y', section: 'devel', description: 'Ambiguous' },
      { name: 'z', section: 'libs', description: 'unique' },
      { name: 'w', section: 'games', description: 'unique' },
    ];
    const kept = distinctDescriptions(pkgs, new Set(['doc', 'libs', 'devel']));
    assert.deepEqual(kept.map((p) => p.name).sort(), ['a-doc', 'z']);
    // On a generated set where every text occurs 3 times, the splits share no input.
    const many: PackageRecord[] = [];
    for (let k = 0; k < 3; k++) for (let i = 0; i < 300; i++) many.push({ name: `p${i}-${k}`, section: i % 2 ? 'libs' : 'doc', description: `package number ${i} tool` });
    const { dataset } = buildTextDataset(many, { seed: 1, validationFraction: 0.2, testFraction: 0.2 }, textDatasetOptions({ level: 'char', length: 24, sections: 'libs,doc' }));
    const rows = (set: typeof dataset.train) => new Set(Array.from({ length: set.count }, (_, i) => set.pixels.subarray(i * 24, (i + 1) * 24).join(',')));
    const train = rows(dataset.train);
    for (const r of rows(dataset.test)) assert.ok(!train.has(r), 'a test text also in training');
    assert.equal(dataset.train.count + dataset.validation.count + dataset.test.count, 300);
  });
});
