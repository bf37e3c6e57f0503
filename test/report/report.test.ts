/**
 * `onnxline report`: rows from real run directories (one real tiny pipeline run, cloned under
 * other recipes and seeds), mean ± sample std over seeds, "not run yet" and "not validated" rows,
 * shortfall notes, byte-identical regeneration, the self-contained HTML, and skipped bad runs.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeReport, type ReportRow } from '../../pipeline/report/index.ts';
import { aggregate } from '../../pipeline/report/stats.ts';
import { metricKind } from '../../pipeline/report/run-facts.ts';
import { invocationLine } from '../../pipeline/runner/run-pipeline.ts';
import type { Manifest } from '../../pipeline/runner/manifest.ts';
import type { StudyReference } from '../../pipeline/recipe.ts';
import { cloneRun, realRun, tinyRecipe } from './helpers.ts';

const BIN = new URL('../../pipeline/bin/onnxline.js', import.meta.url).pathname;

const ref = (study: StudyReference['study'], experiment: string, metric: string, value: number, std?: number): StudyReference => ({
  study,
  experiment,
  metric,
  value,
  ...(std !== undefined ? { std } : {}),
  dataNote: `${experiment}: the study's set vs ours`,
});

const seeds3 = tinyRecipe('cmp-seeds', ref('S3', 'CNN2 (Adam)', 'test accuracy', 0.9, 0.01));
const valRecipe = tinyRecipe('val-acc', ref('S1', 'final CNN', 'validation accuracy', 0.05));
const neverRun = tinyRecipe('never-run', ref('S4', 'LSTM (128 hidden), balanced', 'test accuracy', 0.9863));
const own = tinyRecipe('own-mlp');
const real = tinyRecipe('real-run', ref('S3', 'MLP (SGD)', 'test accuracy', 0.771, 0.016));
const RECIPES = [own, neverRun, valRecipe, seeds3, real];
const NOTES = { 'cmp-seeds': 'our tiny MLP trains one epoch on 128 samples (a test fixture).', 'never-run': 'it needs a GPU (a test fixture).' };
const MACHINE = 'test machine';

let runs: string;
let realDir: string;
let realManifest: Manifest;
const warnings: string[] = [];

async function report(out: string) {
  return writeReport({ recipes: RECIPES, runsRoot: runs, out, notes: NOTES, machine: MACHINE, warn: (l) => warnings.push(l) });
}

function row(rows: ReportRow[], name: string): ReportRow {
  const r = rows.find((x) => x.recipe === name);
  assert.ok(r, `row ${name}`);
  return r;
}

test.before(async () => {
  runs = await mkdtemp(join(tmpdir(), 'onnxline-report-'));
  realDir = await realRun(real, runs, 1);
  realManifest = JSON.parse(await readFile(join(realDir, 'manifest.json'), 'utf8')) as Manifest;
  // Three seeds of one recipe (aggregated), plus a newer run of seed 1 made from an older recipe version (ignored).
  await cloneRun(realDir, seeds3, runs, 1, { testAccuracy: 0.8, updatedAt: '2026-01-01T00:00:01.000Z', invocation: 'onnxline pipeline cmp-seeds --seed 1' });
  await cloneRun(realDir, seeds3, runs, 2, { testAccuracy: 0.84, updatedAt: '2026-01-01T00:00:02.000Z', invocation: 'onnxline pipeline cmp-seeds --seed 2' });
  await cloneRun(realDir, seeds3, runs, 3, { testAccuracy: 0.88, updatedAt: '2026-01-01T00:00:03.000Z', invocation: 'onnxline pipeline cmp-seeds --seed 3', unvalidated: true });
  await cloneRun(realDir, seeds3, runs, 1, { testAccuracy: 0.1, updatedAt: '2026-01-01T00:00:09.000Z', stale: true });
  await cloneRun(realDir, seeds3, runs, 2, { testAccuracy: 0.1, updatedAt: '2026-01-01T00:00:09.000Z', architectureHash: 'f'.repeat(64) });
  // A run whose study number is a validation accuracy, never validated, with no recorded command.
  await cloneRun(realDir, valRecipe, runs, 5, { updatedAt: '2026-01-01T00:00:04.000Z', unvalidated: true, invocation: '' });
  await cloneRun(realDir, own, runs, 42, { testAccuracy: 0.5, updatedAt: '2026-01-01T00:00:05.000Z', unvalidated: true, invocation: 'onnxline pipeline own-mlp --seed 42' });
  // Broken run directories: a corrupt manifest and a missing one.
  await mkdir(join(runs, 'cmp-seeds', 's7-corrupt0000'), { recursive: true });
  await writeFile(join(runs, 'cmp-seeds', 's7-corrupt0000', 'manifest.json'), '{"recipe": "cmp-seeds", ');
  await mkdir(join(runs, 'own-mlp', 's8-nomanifest'), { recursive: true });
});

test.after(async () => {
  await rm(runs, { recursive: true, force: true });
});

test('the real run records the command line that ran it', () => {
  assert.match(realManifest.invocation ?? '', /^onnxline\b/, 'runPipeline records the process\'s command line');
  assert.equal(invocationLine(['node', 'onnxline.js', 'pipeline', 'digits', '--seed', '7']), 'onnxline pipeline digits --seed 7');
  assert.equal(invocationLine(['node', 'onnxline.js', 'train', 'my recipe.ts']), "onnxline train 'my recipe.ts'");
});

test('rows: study number, ours (mean ± sample std, N), difference, shortfall and why', async () => {
  const out = join(runs, 'out', 'REPORT.md');
  const { data } = await report(out);
  const real1 = row(data.rows, 'real-run');
  assert.equal(real1.runs.length, 1);
  assert.equal(real1.ours?.n, 1);
  assert.equal(real1.ours?.std, null);
  assert.equal(real1.ours?.mean, realManifest.stages.train!.metrics!.testAccuracy, 'ours is the test accuracy of evaluation.json');
  assert.equal(real1.studyValue, 0.771);
  assert.equal(real1.cells.study, '77.10% ± 1.60');
  assert.match(real1.cells.parity, /^blessed: max \|Δ\| [0-9.]+e-\d+, top-1 agreement 100\.00%$/);
  assert.match(real1.cells.params, /^[0-9,]+$/);
  assert.match(real1.cells.training, /1\/1 epochs/);
  assert.equal(real1.cells.backend, 'cpu');
  assert.match(real1.cells.data, /the study's set vs ours\. Ours: [0-9,]+ train \/ [0-9,]+ validation \/ [0-9,]+ test/);
  assert.match(real1.cells.data, /Trained on at most 128 samples/);

  const s = row(data.rows, 'cmp-seeds');
  assert.deepEqual(s.runs.map((r) => r.seed), [1, 2, 3], 'one run per seed; newer runs of an older recipe version (other settings, other architecture) are ignored');
  assert.ok(s.runs.every((r) => r.run.current));
  const expected = aggregate([0.8, 0.84, 0.88]);
  assert.equal(s.ours?.n, 3);
  assert.ok(Math.abs(s.ours!.mean - 0.84) < 1e-12);
  assert.ok(Math.abs(s.ours!.std! - 0.04) < 1e-12, `sample std ${s.ours!.std}`);
  assert.equal(s.ours?.std, expected.std);
  assert.equal(s.cells.ours, '84.00% ± 4.00 (N=3)');
  assert.equal(s.cells.study, '90.00% ± 1.00');
  assert.equal(s.cells.diff, '−6.00 pts');
  assert.ok(Math.abs(s.shortBy! - 0.06) < 1e-12);
  assert.equal(s.why, NOTES['cmp-seeds']);
  assert.match(s.cells.parity, /^blessed 2\/3: .*; not validated 1\/3$/);

  const v = row(data.rows, 'val-acc');
  assert.equal(v.kind, 'validation accuracy');
  const history = JSON.parse(await readFile(join(realDir, 'train/history.json'), 'utf8')) as { bestEpoch: number; history: { valAcc: number }[] };
  assert.equal(v.ours?.mean, history.history[history.bestEpoch - 1]!.valAcc, 'ours is the kept epoch\'s validation accuracy');
  assert.equal(v.cells.parity, 'not validated');
  assert.ok(v.diff! > 0);
  assert.equal(v.shortBy, null);

  const n = row(data.rows, 'never-run');
  assert.equal(n.runs.length, 0);
  assert.equal(n.cells.ours, 'not run yet');
  assert.equal(n.cells.diff, '—');

  const o = row(data.rows, 'own-mlp');
  assert.equal(o.cells.study, '—');
  assert.equal(o.cells.ours, '50.00% (N=1)');
  assert.equal(o.study, null);

  assert.deepEqual(data.rows.map((r) => r.recipe), ['val-acc', 'cmp-seeds', 'real-run', 'never-run', 'own-mlp'], 'studies S0…S4 in order, then our own');

  const md = await readFile(out, 'utf8');
  assert.match(md, /^# onnxline: results against the studies/);
  assert.match(md, /```sh\n[^`]*onnxline pipeline cmp-seeds --seed 1\nonnxline pipeline cmp-seeds --seed 2\n/);
  assert.match(md, /\nonnxline pipeline val-acc --stages data,train --epochs 1 --backend cpu --seed 5 --train-limit 128 .*# rebuilt from the run's config/);
  assert.match(md, new RegExp(`- Newest run: ${data.newestRun}\n`));
  assert.equal(data.newestRun, realManifest.updatedAt, 'the newest run is the real one, made now');
  assert.ok(!/^onnxline\n/m.test(md), 'a bare `onnxline` (a run started in-process) is replaced by the rebuilt command');
  assert.match(md, /- Machine: test machine/);
  assert.match(md, /## S1 — [^\n]*\n\n\| experiment \| metric \| study \| ours \|/);
  assert.match(md, /\| CNN2 \(Adam\) \(cmp-seeds\) \| test accuracy \| 90\.00% ± 1\.00 \| 84\.00% ± 4\.00 \(N=3\) \| −6\.00 pts \|/);
  assert.match(md, /\*\*cmp-seeds\*\*: short of the study's 90\.00% ± 1\.00 by 6\.00 points \(ours 84\.00% ± 4\.00, N=3\)\. Why: our tiny MLP trains one epoch on 128 samples \(a test fixture\)\./);
  assert.match(md, /## Not run yet\n\n- S4 — LSTM \(128 hidden\), balanced \(`never-run`\): `onnxline pipeline never-run`\. Why not yet: it needs a GPU \(a test fixture\)\.\n/);
  assert.match(md, /## Our own recipes/);
  assert.match(md, /max \\\|Δ\\\|/, 'pipes inside cells are escaped');
});

test('a note may be written from the row\'s runs and recipe; a recipe without runs gets it with none', async () => {
  const seen: Record<string, number[]> = {};
  const notes = {
    'cmp-seeds': (rs: readonly { seed: number; history: unknown[] | null }[], recipe: { name: string }) => {
      seen[recipe.name] = rs.map((r) => r.seed);
      return `${recipe.name}: seeds ${rs.map((r) => r.seed).join(', ')}; first run kept ${rs[0]!.history!.length} epoch(s) of history`;
    },
    'never-run': (rs: readonly unknown[]) => (rs.length ? 'has runs' : 'no runs yet'),
  };
  const { data } = await writeReport({ recipes: RECIPES, runsRoot: runs, out: join(runs, 'out-fn', 'REPORT.md'), notes, machine: MACHINE, warn: () => undefined });
  const history = JSON.parse(await readFile(join(realDir, 'train/history.json'), 'utf8')) as { history: unknown[] };
  assert.deepEqual(seen['cmp-seeds'], [1, 2, 3]);
  assert.equal(row(data.rows, 'cmp-seeds').why, `cmp-seeds: seeds 1, 2, 3; first run kept ${history.history.length} epoch(s) of history`);
  assert.equal(row(data.rows, 'never-run').why, 'no runs yet');
  assert.equal(row(data.rows, 'val-acc').why, null, 'a row above its study gets no note');
});

test('regenerating from the same runs gives byte-identical files', async () => {
  const out = join(runs, 'out2', 'REPORT.md');
  const first = await report(out);
  const md1 = await readFile(first.markdownPath);
  const html1 = await readFile(first.htmlPath);
  const second = await report(out);
  assert.ok(md1.equals(await readFile(second.markdownPath)));
  assert.ok(html1.equals(await readFile(second.htmlPath)));
  const stamps = md1.toString().match(/\d{4}-\d\d-\d\dT[\d:.]+Z/g) ?? [];
  assert.deepEqual([...new Set(stamps)], [first.data.newestRun], 'the only date is the newest run\'s, no generation timestamp');
});

test('the HTML page is self-contained and embeds each run\'s curves and confusion matrix', async () => {
  const out = join(runs, 'out3', 'REPORT.md');
  const html = join(runs, 'elsewhere', 'page.html');
  const written = await writeReport({ recipes: RECIPES, runsRoot: runs, out, html, notes: NOTES, machine: MACHINE, warn: () => undefined });
  assert.equal(written.htmlPath, html);
  assert.ok(existsSync(join(runs, 'out3', 'REPORT.md')));
  const page = await readFile(html, 'utf8');
  const curves = (await readFile(join(realDir, 'train/curves.png'))).toString('base64');
  const confusion = (await readFile(join(realDir, 'train/confusion.png'))).toString('base64');
  assert.ok(page.includes(`src="data:image/png;base64,${curves}"`));
  assert.ok(page.includes(`src="data:image/png;base64,${confusion}"`));
  assert.ok(!/(src|href)="(?!data:)/.test(page), 'no external assets');
  assert.match(page, /<td>CNN2 \(Adam\) \(cmp-seeds\)<\/td>/);
  assert.match(page, /<h2>Not run yet<\/h2>/);
});

test('a corrupt or missing manifest is skipped with a warning naming the file', async () => {
  warnings.length = 0;
  await report(join(runs, 'out4', 'REPORT.md'));
  assert.ok(warnings.some((w) => w.includes(join(runs, 'cmp-seeds', 's7-corrupt0000', 'manifest.json')) && /not valid JSON/.test(w)), warnings.join('\n'));
  assert.ok(warnings.some((w) => w.includes(join(runs, 'own-mlp', 's8-nomanifest', 'manifest.json')) && /does not exist/.test(w)), warnings.join('\n'));
});

test('metric kinds: the study\'s metric picks the same kind of number of ours', () => {
  assert.equal(metricKind('test accuracy'), 'test accuracy');
  assert.equal(metricKind('validation accuracy'), 'validation accuracy');
  assert.equal(metricKind('training accuracy'), null);
  assert.deepEqual(aggregate([1]), { mean: 1, std: null, n: 1 });
});

test('the report command writes both files, prints one line per row and survives a corrupt manifest', async () => {
  const cliRuns = join(runs, 'cli-runs');
  await mkdir(join(cliRuns, 'digits', 's3-corrupt0000'), { recursive: true });
  await writeFile(join(cliRuns, 'digits', 's3-corrupt0000', 'manifest.json'), 'not json');
  const out = join(runs, 'cli-out', 'R.md');
  const r = spawnSync(process.execPath, [BIN, 'report', '--runs', cliRuns, '--out', out], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`report: wrote ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} and .*report\\.html`));
  assert.match(r.stdout, /^ {2}own digits: not run yet$/m);
  assert.match(r.stderr, /s3-corrupt0000\/manifest\.json is not valid JSON/);
  const md = await readFile(out, 'utf8');
  assert.match(md, /## Not run yet\n\n(- .*\n)*- own — .*\(`digits`\): `onnxline pipeline digits`\n/, 'whatever else the registry holds, digits is listed as not run yet');
  assert.ok(existsSync(join(runs, 'cli-out', 'report.html')));
});
