/**
 * `npm run demo:drawings -- [--model letters] [--repository model-repository]`: draws hand-made
 * strokes (test/web-demo/browser.ts: digits, or capital letters) on the web demo's canvas in
 * headless Chromium, with a published model selected, and prints what the page predicts for each
 * drawing — the check that a model trained on fonts or MNIST reads a person's mouse drawing.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startServer } from '../serve/main.ts';
import { CAPITALS, DIGITS, DIST, ROOT, drawStrokes, ensureWebDemoBuilt, launchChromium, letterClass, settled, type Stroke } from '../test/web-demo/browser.ts';

const { values } = parseArgs({
  options: { model: { type: 'string', default: 'letters' }, repository: { type: 'string', default: join(ROOT, 'model-repository') } },
});
const model = values.model!;
const repository = resolve(values.repository!);
if (!existsSync(join(repository, model))) {
  console.error(`no ${model} model in ${repository}: run \`npx onnxline pipeline ${model}\` first, or pass --repository`);
  process.exit(1);
}

interface Ranked {
  label: string;
  probability: number;
}

ensureWebDemoBuilt();
const server = await startServer({ repository, port: 0, host: '127.0.0.1', device: 'cpu', threads: 1, pollMs: 0, apiToken: '', staticDir: DIST, log: () => {} });
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 640 } });
  await page.goto(server.url);
  await page.waitForFunction(() => (window as any).__onnxline?.ready === true, undefined, { timeout: 30_000 });
  await page.getByTestId('model-select').selectOption(model);
  await page.waitForFunction((name) => (window as any).__onnxline?.model === name && (window as any).__onnxline?.ready === true, model, { timeout: 30_000 });
  const classes = (await page.evaluate(async (name) => (await (await fetch(`models/${encodeURIComponent(name)}/config.json`)).json()).labels ?? [], model)) as string[];
  const drawings: [string, Stroke[]][] = Object.entries(model === 'digits' ? DIGITS : CAPITALS);
  let top1 = 0;
  let top3 = 0;
  console.log(`drawings on the web demo: ${model} (${classes.length} classes) in headless Chromium, ${repository}`);
  for (const [name, strokes] of drawings) {
    const expected = model === 'digits' ? name : letterClass(name, classes);
    await page.getByTestId('clear').click();
    await drawStrokes(page, strokes);
    await settled(page);
    const ranked = (await page.evaluate(() => (window as any).__onnxline.last.ranked)) as Ranked[];
    const hit1 = ranked[0]?.label === expected;
    const hit3 = ranked.slice(0, 3).some((r) => r.label === expected);
    top1 += hit1 ? 1 : 0;
    top3 += hit3 ? 1 : 0;
    const shown = ranked.slice(0, 3).map((r) => `${r.label} ${(r.probability * 100).toFixed(1)}%`).join(', ');
    console.log(`  ${name.padEnd(2)} → ${expected.padEnd(4)} ${hit1 ? 'ok ' : hit3 ? 'top3' : 'MISS'}  ${shown}`);
  }
  console.log(`  ${top1} of ${drawings.length} drawings read correctly (top-1), ${top3} in the top 3`);
} finally {
  await browser.close();
  await server.close();
}
