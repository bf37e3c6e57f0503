/**
 * Helpers for driving the web demo in Debian's headless Chromium with playwright-core: building
 * the demo when its sources are newer than web-demo/dist, training a small real digits model,
 * launching the browser, and drawing strokes with the mouse.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DIST = join(ROOT, 'web-demo/dist');
export const CHROMIUM = process.env.ONNXLINE_CHROMIUM ?? '/usr/bin/chromium';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Runs `vite build` when web-demo/dist is missing or older than any demo or preprocessing source. */
export function ensureWebDemoBuilt(): void {
  const built = join(DIST, 'index.html');
  const sources = [join(ROOT, 'web-demo/src'), join(ROOT, 'pipeline/preprocess')];
  const inputs = Math.max(...sources.map(newestMtime), statSync(join(ROOT, 'web-demo/index.html')).mtimeMs, statSync(join(ROOT, 'web-demo/vite.config.ts')).mtimeMs);
  if (existsSync(built) && existsSync(join(DIST, 'ort/ort-wasm-simd-threaded.wasm')) && statSync(built).mtimeMs >= inputs) return;
  execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', join(ROOT, 'web-demo/vite.config.ts'), '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
}

/** Trains test/fixtures/web-digits-recipe.ts (an MLP on real mnist, a few seconds) and publishes it into `repository`. */
export function trainDigits(runs: string, repository: string): void {
  execFileSync(process.execPath, [join(ROOT, 'pipeline/bin/onnxline.js'), 'pipeline', join(ROOT, 'test/fixtures/web-digits-recipe.ts'), '--no-progress', '--runs', runs, '--repository', repository], { cwd: ROOT, stdio: 'pipe' });
}

/** Launches headless Chromium; fails with what to install when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run \`apt-get install -y chromium\` or set ONNXLINE_CHROMIUM`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A stroke as points in 0..1 of the drawing canvas (x right, y down). */
export type Stroke = [number, number][];

/** Draws strokes on the demo's canvas with the mouse (press, move in small steps, release). */
export async function drawStrokes(page: Page, strokes: Stroke[]): Promise<void> {
  const box = await page.getByTestId('draw-canvas').boundingBox();
  if (!box) throw new Error('the drawing canvas is not visible');
  const at = ([x, y]: [number, number]): [number, number] => [box.x + x * box.width, box.y + y * box.height];
  for (const stroke of strokes) {
    const [first, ...rest] = stroke;
    if (!first) continue;
    await page.mouse.move(...at(first));
    await page.mouse.down();
    for (const p of rest) await page.mouse.move(...at(p), { steps: 4 });
    await page.mouse.up();
  }
}

/** Waits until the page has predicted and no inference runs or waits. */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const hook = (window as unknown as { __onnxline?: { last: unknown; idle(): boolean } }).__onnxline;
    return !!hook?.last && hook.idle();
  });
}

function ellipse(cx: number, cy: number, rx: number, ry: number, n = 24): Stroke {
  return Array.from({ length: n + 1 }, (_, i) => {
    const a = (i / n) * Math.PI * 2 - Math.PI / 2;
    return [cx + rx * Math.cos(a), cy + ry * Math.sin(a)] as [number, number];
  });
}

/** Natural, thick-stroke shapes of digits that survive the MNIST fit. */
export const DIGITS: Record<string, Stroke[]> = {
  '0': [ellipse(0.5, 0.5, 0.2, 0.3)],
  '1': [[[0.52, 0.18], [0.5, 0.5], [0.48, 0.82]]],
  '7': [[[0.28, 0.22], [0.72, 0.22], [0.58, 0.5], [0.45, 0.82]]],
  '4': [
    [[0.38, 0.18], [0.28, 0.56], [0.72, 0.56]],
    [[0.62, 0.3], [0.62, 0.84]],
  ],
  '3': [[[0.3, 0.24], [0.5, 0.17], [0.67, 0.27], [0.52, 0.47], [0.68, 0.62], [0.5, 0.82], [0.28, 0.76]]],
  '2': [[[0.3, 0.3], [0.45, 0.18], [0.65, 0.25], [0.62, 0.45], [0.3, 0.8], [0.72, 0.8]]],
};

/**
 * Capital letters drawn the way people print them (strokes in canvas units, y down), keyed by
 * the letter; `letterClass` maps each to its `letters` class ('C' → 'Cc').
 */
export const CAPITALS: Record<string, Stroke[]> = {
  A: [[[0.25, 0.82], [0.5, 0.18], [0.75, 0.82]], [[0.35, 0.58], [0.65, 0.58]]],
  E: [[[0.7, 0.2], [0.32, 0.2], [0.32, 0.8], [0.7, 0.8]], [[0.32, 0.5], [0.62, 0.5]]],
  F: [[[0.7, 0.2], [0.34, 0.2], [0.34, 0.82]], [[0.34, 0.5], [0.62, 0.5]]],
  H: [[[0.3, 0.18], [0.3, 0.82]], [[0.7, 0.18], [0.7, 0.82]], [[0.3, 0.5], [0.7, 0.5]]],
  L: [[[0.35, 0.18], [0.35, 0.8], [0.7, 0.8]]],
  T: [[[0.25, 0.2], [0.75, 0.2]], [[0.5, 0.2], [0.5, 0.82]]],
  X: [[[0.28, 0.2], [0.72, 0.8]], [[0.72, 0.2], [0.28, 0.8]]],
  V: [[[0.26, 0.2], [0.5, 0.8], [0.74, 0.2]]],
  N: [[[0.3, 0.82], [0.3, 0.18], [0.7, 0.82], [0.7, 0.18]]],
  Z: [[[0.28, 0.2], [0.72, 0.2], [0.28, 0.8], [0.72, 0.8]]],
  O: [ellipse(0.5, 0.5, 0.24, 0.32)],
  C: [Array.from({ length: 19 }, (_, i) => {
    const a = Math.PI * (0.25 + (1.5 * i) / 18);
    return [0.52 + 0.24 * Math.cos(a), 0.5 - 0.32 * Math.sin(a)] as [number, number];
  })],
  D: [[[0.32, 0.18], [0.32, 0.82]], [[0.32, 0.18], [0.52, 0.2], [0.68, 0.32], [0.72, 0.5], [0.68, 0.68], [0.52, 0.8], [0.32, 0.82]]],
  P: [[[0.34, 0.82], [0.34, 0.18], [0.56, 0.19], [0.68, 0.28], [0.68, 0.4], [0.56, 0.49], [0.34, 0.5]]],
  U: [[[0.3, 0.18], [0.3, 0.64], [0.38, 0.78], [0.5, 0.82], [0.62, 0.78], [0.7, 0.64], [0.7, 0.18]]],
  M: [[[0.24, 0.82], [0.28, 0.18], [0.5, 0.6], [0.72, 0.18], [0.76, 0.82]]],
};

/** The `letters` recipe's class a capital belongs to (classes like 'Cc' merge look-alike cases). */
export function letterClass(letter: string, classes: readonly string[]): string {
  const found = classes.find((c) => c[0] === letter);
  if (!found) throw new Error(`no class starts with ${letter}`);
  return found;
}
