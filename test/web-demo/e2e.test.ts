/**
 * The web demo end to end: the real server (serving web-demo/dist and a digits model trained
 * here on real mnist) and the real page in headless Chromium. Draws digits with the mouse and
 * checks the predictions, the bars, the latency, Clear, the compare-with-server column, and that
 * the browser's preprocessing gives exactly the tensor the shared module gives in Node.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { imageToTensor } from '../../pipeline/preprocess/image.ts';
import type { ImageInputSpec } from '../../pipeline/preprocess/spec.ts';
import { startServer, type RunningServer } from '../../serve/main.ts';
import { tempDir } from '../serve/fixtures.ts';
import { DIGITS, DIST, ROOT, drawStrokes, ensureWebDemoBuilt, launchChromium, settled, trainDigits } from './browser.ts';

interface PageRun {
  gray: { width: number; height: number; pixels: number[] };
  tensor: number[];
  probabilities: number[];
  ranked: { label: string; probability: number }[];
  provider: string;
}

let tmp: ReturnType<typeof tempDir>;
let server: RunningServer;
let browser: Browser;
let page: Page;
let repository: string;
const pageErrors: string[] = [];

/** The page's last run, read through the window.__onnxline debug hook. */
function lastRun(p: Page): Promise<PageRun> {
  return p.evaluate(() => {
    const last = (window as any).__onnxline.last;
    return { gray: { width: last.gray.width, height: last.gray.height, pixels: Array.from(last.gray.pixels) }, tensor: Array.from(last.tensor), probabilities: Array.from(last.probabilities), ranked: last.ranked, provider: last.provider };
  }) as Promise<PageRun>;
}

before(async () => {
  tmp = tempDir('onnxline-web-demo-');
  repository = process.env.ONNXLINE_E2E_REPOSITORY ?? join(tmp.dir, 'repository');
  ensureWebDemoBuilt();
  // ONNXLINE_E2E_REPOSITORY=model-repository runs the drawings against an already published digits model.
  if (!process.env.ONNXLINE_E2E_REPOSITORY) trainDigits(join(tmp.dir, 'runs'), repository);
  server = await startServer({ repository, port: 0, host: '127.0.0.1', device: 'cpu', threads: 1, pollMs: 0, apiToken: '', staticDir: DIST, log: () => {} });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1000, height: 640 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(server.url);
  await page.waitForFunction(() => (window as any).__onnxline?.ready === true, undefined, { timeout: 20_000 });
});

after(async () => {
  await browser?.close();
  await server?.close();
  tmp?.cleanup();
});

test('the page lists the published digits model and runs it on wasm (no WebGPU in headless Chromium)', async () => {
  assert.equal(await page.getByTestId('model-select').inputValue(), 'digits');
  assert.match((await page.locator('#provider').textContent()) ?? '', /^wasm$/);
  assert.equal(await page.getByTestId('top-label').textContent(), '', 'an empty canvas shows no prediction');
  assert.equal(await page.getByTestId('probabilities').locator('li').count(), 0);
});

for (const digit of ['0', '1', '7', '4', '3']) {
  test(`drawing a ${digit} with the mouse predicts ${digit}, with five bars and a latency`, async () => {
    await page.getByTestId('clear').click();
    await drawStrokes(page, DIGITS[digit]!);
    await settled(page);
    assert.equal(await page.getByTestId('top-label').textContent(), digit);
    const bars = page.getByTestId('probabilities').locator('li');
    assert.equal(await bars.count(), 5);
    assert.equal(await bars.first().getAttribute('data-label'), digit);
    assert.match((await bars.first().getAttribute('class')) ?? '', /winner/);
    const width = await bars.first().locator('.bar-fill').evaluate((e) => (e as HTMLElement).getBoundingClientRect().width);
    assert.ok(width > 100, `the winner's bar is drawn (${width}px wide)`);
    assert.match((await page.getByTestId('latency').textContent()) ?? '', /^\d+\.\d\d ms per run · wasm/);
  });
}

test('the browser feeds the model exactly the tensor the shared preprocessing computes in Node, and the server agrees', async () => {
  await page.getByTestId('clear').click();
  await drawStrokes(page, DIGITS['7']!);
  await settled(page);
  const run = await lastRun(page);
  const config = JSON.parse(readFileSync(join(repository, 'digits/config.json'), 'utf8')) as { preprocessing: ImageInputSpec };
  const inNode = imageToTensor({ width: run.gray.width, height: run.gray.height, pixels: Uint8Array.from(run.gray.pixels) }, config.preprocessing);
  assert.equal(run.tensor.length, 784);
  assert.ok(run.tensor.some((v) => v > 0.5), 'the tensor holds the drawing');
  assert.deepEqual(run.tensor, Array.from(inNode), 'browser and Node tensors are identical');

  // The same pixels through the server's classify endpoint (its own decode + the shared module + onnxruntime-node).
  const rows = Array.from({ length: run.gray.height }, (_, y) => run.gray.pixels.slice(y * run.gray.width, (y + 1) * run.gray.width));
  const res = await fetch(`${server.url}/v1/models/digits:classify?top_k=10`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pixels: rows }) });
  assert.equal(res.status, 200);
  const served = (await res.json()) as { predictions: { index: number; probability: number }[] };
  for (const p of served.predictions) assert.ok(Math.abs(p.probability - run.probabilities[p.index]!) < 1e-5, `class ${p.index}: server ${p.probability} vs browser ${run.probabilities[p.index]}`);

  // And the canvas as a PNG (what the compare toggle sends) gives the same answer.
  const png = Buffer.from((await page.evaluate(() => (window as any).__onnxline.pngDataUrl() as string)).split(',')[1]!, 'base64');
  const fromPng = (await (await fetch(`${server.url}/v1/models/digits:classify`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: png })).json()) as { predictions: { label: string }[] };
  assert.equal(fromPng.predictions[0]!.label, '7');
});

test('an image file picked with "Open image…" is classified', async () => {
  await page.getByTestId('clear').click();
  await drawStrokes(page, DIGITS['0']!);
  await settled(page);
  const png = Buffer.from((await page.evaluate(() => (window as any).__onnxline.pngDataUrl() as string)).split(',')[1]!, 'base64');
  await page.getByTestId('clear').click();
  assert.equal(await page.getByTestId('top-label').textContent(), '');
  await page.locator('#file').setInputFiles({ name: 'zero.png', mimeType: 'image/png', buffer: png });
  await page.waitForFunction(() => document.querySelector('[data-testid="top-label"]')?.textContent !== '');
  await settled(page);
  assert.equal(await page.getByTestId('top-label').textContent(), '0');
});

test('"compare with server" shows the server\'s answer beside the browser\'s; a screenshot is saved', async () => {
  await page.getByTestId('clear').click();
  await page.getByTestId('compare').check();
  await drawStrokes(page, DIGITS['2']!);
  await settled(page);
  await page.waitForFunction(() => document.querySelector('[data-testid="server-top-label"]')?.textContent !== '');
  assert.equal(await page.getByTestId('top-label').textContent(), '2');
  assert.equal(await page.getByTestId('server-top-label').textContent(), await page.getByTestId('top-label').textContent());
  assert.equal(await page.getByTestId('server-probabilities').locator('li').count(), 5);
  mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
  await page.screenshot({ path: join(ROOT, 'test-artifacts/web-demo.png') });
});

test('on a high-DPI screen the canvas is sharp (backing store × devicePixelRatio) and the model input is the same', async () => {
  await page.getByTestId('clear').click();
  await drawStrokes(page, DIGITS['7']!);
  await settled(page);
  const atOne = await lastRun(page);
  const context = await browser.newContext({ viewport: { width: 1000, height: 640 }, deviceScaleFactor: 2 });
  try {
    const hiDpi = await context.newPage();
    await hiDpi.goto(server.url);
    await hiDpi.waitForFunction(() => (window as any).__onnxline?.ready === true);
    const size = await hiDpi.getByTestId('draw-canvas').evaluate((c) => ({ backing: (c as HTMLCanvasElement).width, css: c.getBoundingClientRect().width }));
    assert.equal(size.backing, Math.round(size.css * 2));
    await drawStrokes(hiDpi, DIGITS['7']!);
    await settled(hiDpi);
    assert.equal(await hiDpi.getByTestId('top-label').textContent(), '7');
    assert.deepEqual((await lastRun(hiDpi)).tensor, atOne.tensor);
  } finally {
    await context.close();
  }
});

test('Undo removes the last stroke and Clear removes the prediction', async () => {
  await page.getByTestId('clear').click();
  await drawStrokes(page, DIGITS['4']!);
  await settled(page);
  await page.getByTestId('undo').click();
  await settled(page);
  const afterUndo = await lastRun(page);
  assert.ok(afterUndo.tensor.some((v) => v > 0.5), 'one stroke is left');
  await page.getByTestId('clear').click();
  assert.equal(await page.getByTestId('top-label').textContent(), '');
  assert.equal(await page.getByTestId('probabilities').locator('li').count(), 0);
  assert.equal(await page.getByTestId('latency').textContent(), '');
  assert.equal(await page.getByTestId('server-top-label').textContent(), '');
});

test('the demo\'s assets are served offline with the right types, and a missing asset is a 404, never the page', async () => {
  const wasm = await fetch(`${server.url}/ort/ort-wasm-simd-threaded.wasm`);
  assert.equal(wasm.status, 200);
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  await wasm.body?.cancel();
  for (const missing of ['/ort/ort-wasm-simd-threaded.jsep.wasm', '/assets/missing.js', '/nope.html']) {
    const res = await fetch(`${server.url}${missing}`);
    assert.equal(res.status, 404, missing);
    assert.doesNotMatch(await res.text(), /<html/i, `${missing} is not answered with HTML`);
  }
  assert.deepEqual(pageErrors, []);
});
