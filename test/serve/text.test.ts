/**
 * Text in, end to end: a tiny word-level recipe on the real debian-packages dataset runs through
 * every stage with the real CLI (data → train → export → validate → publish, into temp dirs); the
 * published model carries the data stage's tokenizer in its ONNX metadata; the real server takes
 * raw package synopses as a BYTES tensor and answers exactly as it does for the same texts
 * tokenised with the shared tokenizer and sent as token ids; bad text requests are 400s that name
 * the problem; a run made before tokenizers were kept gets one without training again.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readMetadata, withMetadata } from '../../pipeline/export/metadata.ts';
import { readDatasetFile, writeDatasetFile } from '../../pipeline/stages/data.ts';
import { hashFile } from '../../pipeline/runner/hash.ts';
import { aptListsDir, loadTextDataset } from '../../pipeline/data/text/debian-packages.ts';
import { readAptPackages } from '../../pipeline/data/text/apt-lists.ts';
import { FIRST_TOKEN_ID, TOKENIZER_METADATA_KEY, createTokenizer, parseTokenizerSpec, vocabularyWords, type TokenizerSpec } from '../../pipeline/data/text/tokenize.ts';
import { recipe, TINY_TEXT_LENGTH, TINY_TEXT_SECTIONS, TINY_TEXT_VOCAB } from '../fixtures/tiny-text-recipe.ts';
import { addVersion, digitsModel, getJson, postJson, serve, tempDir, type TestServer } from './fixtures.ts';

const BIN = new URL('../../pipeline/bin/onnxline.js', import.meta.url).pathname;
const RECIPE = new URL('../fixtures/tiny-text-recipe.ts', import.meta.url).pathname;

let tmp: ReturnType<typeof tempDir>;
let runDir: string;
let repo: string;
let server: TestServer;
let infer: string;
/** Real synopses of packages of the recipe's sections, from the apt lists. */
let texts: string[];

before(async () => {
  tmp = tempDir('onnxline-text-serve-');
  const runs = join(tmp.dir, 'runs');
  repo = join(tmp.dir, 'repo');
  const args = [BIN, 'pipeline', RECIPE, '--epochs', '1', '--train-limit', '200', '--backend', 'wasm', '--runs', runs, '--repository', repo, '--no-progress'];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 120_000, env: { ...process.env, ONNXLINE_CACHE_DIR: join(tmp.dir, 'cache') } });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const [runId] = readdirSync(join(runs, recipe.name)).filter((d) => d.startsWith('s'));
  runDir = join(runs, recipe.name, runId!);
  await addVersion(repo, 'digits', 1, digitsModel(1));
  // the same model with a tokenizer that does not fit its input: served, but for ids only
  const published = new Uint8Array(readFileSync(join(repo, recipe.name, '1', 'model.onnx')));
  await addVersion(repo, 'misfit-text', 1, withMetadata(published, { [TOKENIZER_METADATA_KEY]: JSON.stringify({ format: 1, level: 'char', length: 99 }) }));
  server = await serve(repo);
  infer = `${server.url}/v2/models/${recipe.name}/infer`;
  const { packages } = await readAptPackages(aptListsDir());
  const pick = (section: string) => packages.find((p) => p.section === section && p.description.split(' ').length >= 3)!.description;
  texts = [pick('python'), pick('doc'), pick('golang')];
});

after(async () => {
  await server?.close();
  tmp?.cleanup();
});

/** The published model's tokenizer metadata, parsed. */
function publishedTokenizer(): TokenizerSpec {
  const meta = readMetadata(new Uint8Array(readFileSync(join(repo, recipe.name, '1', 'model.onnx'))));
  assert.ok(meta[TOKENIZER_METADATA_KEY], `the published model has ${TOKENIZER_METADATA_KEY} metadata`);
  return parseTokenizerSpec(JSON.parse(meta[TOKENIZER_METADATA_KEY]!), 'published metadata');
}

test('the published model carries the vocabulary the data stage built from the training split', async () => {
  const spec = publishedTokenizer();
  assert.equal(spec.level, 'word');
  assert.equal(spec.length, TINY_TEXT_LENGTH);
  assert.equal(spec.words!.length, TINY_TEXT_VOCAB);
  // the data stage's own artifacts: data/tokenizer.json and the tokenizer in data/dataset.bin
  assert.deepEqual(JSON.parse(readFileSync(join(runDir, 'data/tokenizer.json'), 'utf8')), spec);
  assert.deepEqual((await readDatasetFile(join(runDir, 'data/dataset.bin'))).tokenizer, spec);
  // built again from the apt lists with the recipe's split: the same words in the same id order
  const rebuilt = await loadTextDataset({ seed: 42, validationFraction: recipe.data.validationFraction, testFraction: recipe.data.testFraction }, { params: recipe.data.options! });
  assert.deepEqual(vocabularyWords(rebuilt.vocabulary!), spec.words);
  const manifest = JSON.parse(readFileSync(join(runDir, 'manifest.json'), 'utf8')) as { stages: Record<string, { inputs: Record<string, string>; outputs: Record<string, string> }> };
  assert.match(manifest.stages.data!.outputs['data/tokenizer.json']!, /^[0-9a-f]{64}$/, 'the data stage declares data/tokenizer.json as an output');
  assert.equal(manifest.stages.export!.inputs['data/tokenizer.json'], manifest.stages.data!.outputs['data/tokenizer.json'], 'the export stage hashes it as an input');
  assert.ok(!('train/misclassified.png' in manifest.stages.train!.outputs) && !existsSync(join(runDir, 'train/misclassified.png')), 'token ids are not pictures: no misclassified sheet');
});

test('model metadata says the model takes text: parameters.text_input and parameters.tokenizer', async () => {
  const { status, body } = await getJson(`${server.url}/v2/models/${recipe.name}`);
  assert.equal(status, 200);
  assert.deepEqual(body.inputs, [{ name: 'tokens', datatype: 'FP32', shape: [-1, TINY_TEXT_LENGTH, 1, 1] }]);
  assert.deepEqual(body.parameters.text_input, { name: 'tokens', datatype: 'BYTES', shape: [-1] });
  assert.deepEqual(body.parameters.tokenizer, { level: 'word', length: TINY_TEXT_LENGTH, vocabulary_size: FIRST_TOKEN_ID + TINY_TEXT_VOCAB });
  const digits = await getJson(`${server.url}/v2/models/digits`);
  assert.equal(digits.body.parameters.text_input, undefined, 'an image model does not advertise text');
  assert.ok(server.logs.some((l) => /tiny-text version 1 loaded .*; takes text \(BYTES\) through its word-level tokenizer$/.test(l)), server.logs.join('\n'));
  // a tokenizer that does not fit the model's input: no text, and the load log says why
  assert.ok(server.logs.some((l) => /misfit-text version 1 loaded .*; takes no text: metadata onnxline.tokenizer makes 99 tokens per text, but the model's inputs are tokens \[-1, 12, 1, 1\]$/.test(l)), server.logs.join('\n'));
  const misfit = await getJson(`${server.url}/v2/models/misfit-text`);
  assert.equal(misfit.body.parameters.text_input, undefined);
  const refused = await postJson(`${server.url}/v2/models/misfit-text/infer`, { inputs: [{ name: 'tokens', datatype: 'BYTES', shape: [1], data: ['python'] }] });
  assert.equal(refused.status, 400);
  assert.match(refused.body.error, /accepted only by text models that carry a tokenizer/);
});

test('texts sent as BYTES give exactly the outputs of the same texts tokenised and sent as ids', async () => {
  const tokenizer = createTokenizer(publishedTokenizer());
  const ids = tokenizer.encodeAll(texts);
  for (let r = 0; r < texts.length; r++) {
    const row = ids.subarray(r * TINY_TEXT_LENGTH, (r + 1) * TINY_TEXT_LENGTH);
    assert.ok(row.some((id) => id >= FIRST_TOKEN_ID), `"${texts[r]}" has words of the vocabulary: ${row.join(' ')}`);
  }
  const byIds = await postJson(infer, { inputs: [{ name: 'tokens', datatype: 'FP32', shape: [texts.length, TINY_TEXT_LENGTH, 1, 1], data: Array.from(ids) }] });
  assert.equal(byIds.status, 200, JSON.stringify(byIds.body));
  const byText = await postJson(infer, { id: 'text-1', inputs: [{ name: 'tokens', datatype: 'BYTES', shape: [texts.length], data: texts }] });
  assert.equal(byText.status, 200, JSON.stringify(byText.body));
  assert.equal(byText.body.id, 'text-1');
  assert.deepEqual(byText.body.outputs, byIds.body.outputs);
  assert.deepEqual(byText.body.outputs[0].shape, [texts.length, TINY_TEXT_SECTIONS.length]);
  // [N, 1] is the same request
  const column = await postJson(infer, { inputs: [{ name: 'tokens', datatype: 'BYTES', shape: [texts.length, 1], data: texts.map((t) => [t]) }] });
  assert.deepEqual(column.body.outputs, byIds.body.outputs);
  // the texts differ, and so do their probabilities: the server did not feed one row N times
  const probs = byText.body.outputs[0].data as number[];
  assert.notDeepEqual(probs.slice(0, 3), probs.slice(3, 6));
});

test('text through the binary tensor extension (4-byte length-prefixed strings) answers the same', async () => {
  const parts = texts.map((t) => Buffer.from(t, 'utf8'));
  const binary = Buffer.concat(parts.flatMap((p) => [Buffer.from(Uint32Array.of(p.length).buffer), p]));
  const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'tokens', datatype: 'BYTES', shape: [texts.length], parameters: { binary_data_size: binary.length } }] }));
  const res = await fetch(infer, { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) }, body: Buffer.concat([header, binary]) });
  assert.equal(res.status, 200, await res.clone().text());
  const viaJson = await postJson(infer, { inputs: [{ name: 'tokens', datatype: 'BYTES', shape: [texts.length], data: texts }] });
  assert.deepEqual(((await res.json()) as { outputs: unknown }).outputs, viaJson.body.outputs);
});

test('bad text requests are 400s naming the problem', async () => {
  const cases: [string, string, unknown, RegExp][] = [
    ['BYTES to an image model', `${server.url}/v2/models/digits/infer`, { inputs: [{ name: 'image', datatype: 'BYTES', shape: [1], data: ['a cat'] }] }, /input "image": datatype BYTES \(text\) is accepted only by text models .*takes FP32 \[-1, 28, 28, 1\]/],
    ['non-string items', infer, { inputs: [{ name: 'tokens', datatype: 'BYTES', shape: [2], data: ['python library', 7] }] }, /input "tokens": element 1 is 7, but datatype BYTES expects a string/],
    ['wrong shape', infer, { inputs: [{ name: 'tokens', datatype: 'BYTES', shape: [1, 2], data: ['a', 'b'] }] }, /input "tokens": text shape \[1, 2\] must be \[N\] or \[N, 1\]/],
    ['token-shaped text', infer, { inputs: [{ name: 'tokens', datatype: 'BYTES', shape: [1, TINY_TEXT_LENGTH, 1, 1], data: new Array(TINY_TEXT_LENGTH).fill('x') }] }, /text shape \[1, 12, 1, 1\] must be \[N\] or \[N, 1\]/],
    ['empty batch', infer, { inputs: [{ name: 'tokens', datatype: 'BYTES', shape: [0], data: [] }] }, /input "tokens": batch size 0 .*send at least one text/],
    ['fewer strings than rows', infer, { inputs: [{ name: 'tokens', datatype: 'BYTES', shape: [3], data: ['one', 'two'] }] }, /input "tokens": 3 text rows need 3 strings but "data" holds 2/],
    ['no data', infer, { inputs: [{ name: 'tokens', datatype: 'BYTES', shape: [1] }] }, /input "tokens" has no "data"/],
    ['more rows than max_batch_size', infer, { inputs: [{ name: 'tokens', datatype: 'BYTES', shape: [33], data: new Array(33).fill('python') }] }, /batch size 33 is larger than the model's max_batch_size 32/],
  ];
  for (const [what, url, body, message] of cases) {
    const res = await postJson(url, body);
    assert.equal(res.status, 400, `${what}: ${JSON.stringify(res.body)}`);
    assert.match(res.body.error, message, what);
  }
  // token ids still work after all of that
  const ok = await postJson(infer, { inputs: [{ name: 'tokens', datatype: 'FP32', shape: [1, TINY_TEXT_LENGTH, 1, 1], data: new Array(TINY_TEXT_LENGTH).fill(0) }] });
  assert.equal(ok.status, 200);
});

test('v1 classify takes {"text": ...} for a text model: the same probabilities as v2; images are refused saying what to send', async () => {
  const v2 = await postJson(infer, { inputs: [{ name: 'tokens', datatype: 'BYTES', shape: [1], data: [texts[0]] }] });
  const probs = v2.body.outputs[0].data as number[];
  const res = await postJson(`${server.url}/v1/models/${recipe.name}:classify`, { text: texts[0], top_k: 3 });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.predictions.length, 3);
  for (const p of res.body.predictions) assert.equal(p.probability, probs[p.index], `${p.label}`);
  assert.deepEqual(res.body.predictions.map((p: { label: string }) => p.label).sort(), [...TINY_TEXT_SECTIONS].sort());
  assert.equal(res.body.predictions[0].probability, Math.max(...probs));

  const pixels = await postJson(`${server.url}/v1/models/${recipe.name}:classify`, { pixels: [[0]] });
  assert.equal(pixels.status, 400);
  assert.match(pixels.body.error, /model "tiny-text" classifies text and the JSON body has no "text": send application\/json \{"text": "some text"\}/);
  const notString = await postJson(`${server.url}/v1/models/${recipe.name}:classify`, { text: ['a'] });
  assert.equal(notString.status, 400);
  assert.match(notString.body.error, /"text" must be a string \(got \["a"\]\)/);
  const png = await fetch(`${server.url}/v1/models/${recipe.name}:classify`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: Buffer.from([0x89, 0x50]) });
  assert.equal(png.status, 415);
  assert.match(((await png.json()) as { error: string }).error, /classifies text, not images/);
});

test('a run from before tokenizers were kept gets data/tokenizer.json on its next pipeline run, without training again', async () => {
  // Make the run look old: no data/tokenizer.json, a dataset file without a tokenizer, a manifest that never heard of either.
  const datasetPath = join(runDir, 'data/dataset.bin');
  const { tokenizer, ...old } = await readDatasetFile(datasetPath);
  await writeDatasetFile(datasetPath, old);
  const oldHash = await hashFile(datasetPath);
  rmSync(join(runDir, 'data/tokenizer.json'));
  const manifestPath = join(runDir, 'manifest.json');
  const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as { stages: Record<string, { inputs: Record<string, string>; outputs: Record<string, string> }> };
  delete m.stages.data!.outputs['data/tokenizer.json'];
  delete m.stages.export!.inputs['data/tokenizer.json'];
  m.stages.data!.outputs['data/dataset.bin'] = oldHash;
  m.stages.train!.inputs['data/dataset.bin'] = oldHash;
  writeFileSync(manifestPath, JSON.stringify(m));

  const args = [BIN, 'pipeline', RECIPE, '--stages', 'data,train,export', '--epochs', '1', '--train-limit', '200', '--backend', 'wasm', '--runs', join(tmp.dir, 'runs'), '--no-progress'];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 120_000, env: { ...process.env, ONNXLINE_CACHE_DIR: join(tmp.dir, 'cache') } });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /data: data\/dataset\.bin already holds exactly this split; kept as it is/);
  assert.match(r.stdout, /train: up to date, skipped/);
  assert.equal(await hashFile(datasetPath), oldHash, 'the dataset file was not rewritten');
  assert.deepEqual(JSON.parse(readFileSync(join(runDir, 'data/tokenizer.json'), 'utf8')), tokenizer);
  const meta = readMetadata(new Uint8Array(readFileSync(join(runDir, 'export/model.onnx'))));
  assert.deepEqual(JSON.parse(meta[TOKENIZER_METADATA_KEY]!), tokenizer);
});
