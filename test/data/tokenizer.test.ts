/**
 * The tokenizer that travels with a text model: its spec built with the dataset (char and word
 * level), kept by the binary dataset cache (older files without it still decode), declared by the
 * data and export stages, written into the ONNX metadata, and read back by the server's input
 * decoding — which must give the ids training gave.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PackageRecord } from '../../pipeline/data/text/apt-lists.ts';
import { buildTextDataset, textDatasetOptions } from '../../pipeline/data/text/debian-packages.ts';
import {
  CHAR_VOCAB_SIZE,
  FIRST_TOKEN_ID,
  TOKENIZER_METADATA_KEY,
  UNKNOWN_ID,
  charIds,
  createTokenizer,
  fitLength,
  parseTokenizerSpec,
  tokenizerSpec,
  vocabularyWords,
  wordIds,
} from '../../pipeline/data/text/tokenize.ts';
import { DatasetCacheError, decodeDatasetCache, encodeDatasetCache } from '../../pipeline/data/cache.ts';
import { dataStage } from '../../pipeline/stages/data.ts';
import { exportStage, modelMetadata } from '../../pipeline/stages/export.ts';
import type { ResolvedConfig } from '../../pipeline/runner/stage.ts';
import { textRecipes } from '../../models/text.ts';
import { decodeInputs } from '../../serve/v2/decode.ts';
import { textTokenizer } from '../../serve/v2/text.ts';
import { HttpError } from '../../serve/errors.ts';

/** 3 sections × 40 packages, each description with a section word, a shared word and a word of its own. */
function packages(): PackageRecord[] {
  return ['libs', 'net', 'doc'].flatMap((s, k) =>
    Array.from({ length: 40 }, (_, i) => ({ name: `${s}-${i}`, section: s, description: `${s}word Common uniq${k * 100 + i} Ünïcode ½` })),
  );
}
const SPEC = { seed: 3, validationFraction: 0.2, testFraction: 0.2 };
const SECTIONS = 'libs,net,doc';

/** The sample rows of a split as texts' ids, to compare with a tokenizer's output. */
const rows = (pixels: Uint8Array | Uint16Array, length: number) => Array.from({ length: pixels.length / length }, (_, i) => Array.from(pixels.subarray(i * length, (i + 1) * length)));

describe('tokenizer spec', () => {
  it('word level: the dataset carries its vocabulary in id order, and encoding with the spec gives its token ids', () => {
    const { dataset, vocabulary } = buildTextDataset(packages(), SPEC, textDatasetOptions({ level: 'word', length: 5, vocab: 50, sections: SECTIONS }));
    const spec = dataset.tokenizer!;
    assert.deepEqual({ format: spec.format, level: spec.level, length: spec.length }, { format: 1, level: 'word', length: 5 });
    assert.deepEqual(spec.words, vocabularyWords(vocabulary!));
    spec.words!.forEach((w, i) => assert.equal(vocabulary!.get(w), FIRST_TOKEN_ID + i));
    const tokenizer = createTokenizer(parseTokenizerSpec(JSON.parse(JSON.stringify(spec))));
    const text = 'netword common uniq7 never-seen';
    assert.deepEqual([...tokenizer.encode(text)], [...fitLength(wordIds(text, vocabulary!), 5)]);
    // every training row is some training text tokenised by the spec
    const expected = new Set(packages().map((p) => tokenizer.encode(p.description).join(',')));
    for (const row of rows(dataset.train.pixels, 5)) assert.ok(expected.has(row.join(',')), `row ${row.join(',')}`);
  });

  it('char level: no words, the fixed vocabulary, the same ids as charIds', () => {
    const { dataset } = buildTextDataset(packages(), SPEC, textDatasetOptions({ level: 'char', length: 12, sections: SECTIONS }));
    assert.deepEqual(dataset.tokenizer, { format: 1, level: 'char', length: 12 });
    const tokenizer = createTokenizer(dataset.tokenizer!);
    assert.equal(tokenizer.vocabularySize, CHAR_VOCAB_SIZE);
    assert.deepEqual([...tokenizer.encode('Ünï ok')], [...fitLength(charIds('Ünï ok'), 12)]);
    assert.deepEqual([...tokenizer.encode('Ünï ok').slice(6, 9)], [UNKNOWN_ID, FIRST_TOKEN_ID + 'n'.charCodeAt(0) - 32, UNKNOWN_ID]);
    const expected = new Set(packages().map((p) => tokenizer.encode(p.description).join(',')));
    for (const row of rows(dataset.test.pixels, 12)) assert.ok(expected.has(row.join(',')), `row ${row.join(',')}`);
  });

  it('bad specs are refused, naming the field', () => {
    const ok = { format: 1, level: 'word', length: 4, words: ['a', 'b'] };
    assert.deepEqual(parseTokenizerSpec(ok), ok);
    assert.throws(() => parseTokenizerSpec({ ...ok, format: 2 }, 'x'), /^Error: x: format is 2, this onnxline reads format 1/);
    assert.throws(() => parseTokenizerSpec({ ...ok, level: 'byte' }), /level must be "char" or "word", got "byte"/);
    assert.throws(() => parseTokenizerSpec({ ...ok, length: 0 }), /length must be a positive integer, got 0/);
    assert.throws(() => parseTokenizerSpec({ ...ok, words: ['a', 'a'] }), /words\[1\] "a" is listed twice/);
    assert.throws(() => parseTokenizerSpec({ ...ok, words: ['a', 'Two words'] }), /words\[1\] "Two words" is not a lowercased word/);
    assert.throws(() => parseTokenizerSpec({ ...ok, words: [] }), /words must be a list of 1\.\.65534 words/);
    assert.throws(() => parseTokenizerSpec({ format: 1, level: 'char', length: 4, words: ['a'] }), /a char-level tokenizer has no words/);
    assert.throws(() => parseTokenizerSpec([ok]), /is not a JSON object/);
    assert.throws(() => tokenizerSpec('word', 4), /needs its vocabulary/);
  });
});

describe('the dataset cache keeps the tokenizer', () => {
  it('round trip; a file without one (written before it was kept) still decodes; a bad one is corrupt', () => {
    const { dataset } = buildTextDataset(packages(), SPEC, textDatasetOptions({ level: 'word', length: 5, vocab: 50, sections: SECTIONS }));
    assert.deepEqual(decodeDatasetCache(encodeDatasetCache('k', dataset), 'k').tokenizer, dataset.tokenizer);
    const { tokenizer: _, ...older } = dataset;
    const decoded = decodeDatasetCache(encodeDatasetCache('k', older), 'k');
    assert.equal(decoded.tokenizer, undefined);
    assert.deepEqual(Array.from(decoded.train.pixels), Array.from(dataset.train.pixels));
    const broken = { ...dataset, tokenizer: { ...dataset.tokenizer!, level: 'byte' as never } };
    assert.throws(() => decodeDatasetCache(encodeDatasetCache('k', broken), 'k'), (err: Error) => err instanceof DatasetCacheError && err.kind === 'corrupt' && /header tokenizer: level/.test(err.message));
  });
});

/** A resolved config of a text recipe (enough for the stages' declarations and the metadata). */
const configOf = (level: 'char' | 'word'): ResolvedConfig => {
  const r = textRecipes.find((t) => t.data.options?.level === level)!;
  return { recipe: r.name, data: r.data, input: r.input, labels: r.labels } as ResolvedConfig;
};

describe('stages and metadata', () => {
  it('a text recipe\'s data stage writes data/tokenizer.json and its export stage reads it; image recipes do not', () => {
    const text = configOf('word');
    assert.ok(dataStage.outputs(text).includes('data/tokenizer.json'));
    assert.ok(exportStage.inputs(text).includes('data/tokenizer.json'));
    const image = { ...text, data: { dataset: 'mnist', validationFraction: 0.1, testFraction: 0.1 } } as ResolvedConfig;
    assert.ok(!dataStage.outputs(image).includes('data/tokenizer.json'));
    assert.deepEqual(exportStage.inputs(image), ['train/model']);
  });

  it('char level through the metadata: the served input decodes texts to the ids training made', () => {
    const config = configOf('char');
    const length = config.input.size[0];
    const { dataset } = buildTextDataset(packages(), SPEC, textDatasetOptions({ ...config.data.options, sections: SECTIONS }));
    const meta = modelMetadata(config, dataset.tokenizer);
    assert.deepEqual(JSON.parse(meta[TOKENIZER_METADATA_KEY]!), { format: 1, level: 'char', length });
    assert.equal(modelMetadata(config)[TOKENIZER_METADATA_KEY], undefined, 'no tokenizer, no key');
    const specs = [{ name: 'tokens', datatype: 'FP32' as const, shape: [-1, length, 1, 1] }];
    const tokenizer = textTokenizer(meta[TOKENIZER_METADATA_KEY], specs)!;
    const texts = ['libs-0 shared library', 'Ünïcode ½'];
    const [tensor] = decodeInputs({ inputs: [{ name: 'tokens', datatype: 'BYTES', shape: [2], data: texts }] }, undefined, specs, 8, tokenizer);
    assert.deepEqual(tensor!.shape, [2, length, 1, 1]);
    assert.ok(tensor!.data instanceof Float32Array);
    assert.deepEqual(Array.from(tensor!.data as Float32Array), texts.flatMap((t) => Array.from(fitLength(charIds(t), length))));
    // a model whose input does not hold the tokenizer's length takes no text
    assert.throws(() => textTokenizer(meta[TOKENIZER_METADATA_KEY], [{ ...specs[0]!, shape: [-1, length + 1, 1, 1] }]), /makes 80 tokens per text, but the model's inputs are tokens \[-1, 81, 1, 1\]/);
    assert.equal(textTokenizer(undefined, specs), undefined);
    // without a tokenizer, BYTES is a 400 naming the input
    assert.throws(
      () => decodeInputs({ inputs: [{ name: 'tokens', datatype: 'BYTES', shape: [1], data: ['x'] }] }, undefined, specs, 8),
      (err: Error) => err instanceof HttpError && err.status === 400 && /input "tokens": datatype BYTES \(text\) is accepted only by text models/.test(err.message),
    );
  });
});
