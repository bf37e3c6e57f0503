/**
 * `npm run bench:web [repository]`: the web demo's digits model in headless Chromium — ms per
 * session.run after warm-up, and the time from navigation to the first prediction on the page
 * (fresh browser context each time: no HTTP cache, so the wasm runtime and model are downloaded).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startServer } from '../serve/main.ts';
import { DIGITS, DIST, ROOT, drawStrokes, ensureWebDemoBuilt, launchChromium } from '../test/web-demo/browser.ts';

const repository = resolve(process.argv[2] ?? join(ROOT, 'model-repository'));
if (!existsSync(join(repository, 'digits'))) {
  console.error(`no digits model in ${repository}: run \`npx onnxline pipeline digits\` first, or pass a repository folder`);
  process.exit(1);
}

function stats(values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return `median ${q(0.5).toFixed(3)} ms, mean ${(s.reduce((a, b) => a + b, 0) / s.length).toFixed(3)} ms, p95 ${q(0.95).toFixed(3)} ms, min ${s[0]!.toFixed(3)} ms (n=${s.length})`;
}

ensureWebDemoBuilt();
const server = await startServer({ repository, port: 0, host: '127.0.0.1', device: 'cpu', threads: 1, pollMs: 0, apiToken: '', staticDir: DIST, log: () => {} });
const browser = await launchChromium();
try {
  const firsts: number[] = [];
  let perRun: number[] = [];
  let provider = '';
  for (let i = 0; i < 5; i++) {
    const context = await browser.newContext({ viewport: { width: 1000, height: 640 } });
    const page = await context.newPage();
    await page.goto(server.url);
    await drawStrokes(page, DIGITS['1']!);
    await page.waitForFunction(() => (window as any).__onnxline?.firstPredictionMs != null, undefined, { timeout: 30_000 });
    firsts.push(await page.evaluate(() => (window as any).__onnxline.firstPredictionMs as number));
    if (i === 0) {
      await page.evaluate(() => (window as any).__onnxline.bench(100));
      perRun = await page.evaluate(() => (window as any).__onnxline.bench(1000) as Promise<number[]>);
      provider = await page.evaluate(() => (window as any).__onnxline.provider as string);
    }
    await context.close();
  }
  console.log(`web demo bench: ${repository}/digits in headless Chromium (${provider})`);
  console.log(`  inference per run (after 100 warm-up runs): ${stats(perRun)}  [target < 5 ms]`);
  console.log(`  first prediction after page load (5 cold loads; draw starts at once): ${stats(firsts)}  [target < 2000 ms]`);
} finally {
  await browser.close();
  await server.close();
}
