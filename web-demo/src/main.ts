/**
 * The web demo: draw a digit (or drop an image), see the model's top-5 live in the browser, and
 * optionally the server's answer for the same drawing side by side. Preprocessing is the shared
 * pipeline/preprocess module, so the browser and the server feed the model identical tensors.
 */
import './style.css';
import { imageToTensor } from '../../pipeline/preprocess/image.ts';
import { DrawingPad } from './pad.ts';
import { classifyOnServer, listModels, notDrawable, type DemoModel } from './models.ts';
import { LatestOnlyRunner, loadSession, runOnce, type LoadedSession } from './runtime.ts';
import { renderPredictions, renderPreview, topK, type Ranked } from './view.ts';
import { installDebugHook, type LastRun } from './debug.ts';

function el<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}; is index.html out of date?`);
  return found as T;
}

const ui = {
  select: el<HTMLSelectElement>('model-select'),
  provider: el('provider'),
  canvas: el<HTMLCanvasElement>('draw-canvas'),
  pad: el('pad'),
  hint: el('hint'),
  clear: el<HTMLButtonElement>('clear'),
  undo: el<HTMLButtonElement>('undo'),
  file: el<HTMLInputElement>('file'),
  compare: el<HTMLInputElement>('compare'),
  status: el('status'),
  browser: { top: el('top-label'), topProb: el('top-prob'), list: el('probabilities') },
  latency: el('latency'),
  serverColumn: el('server-column'),
  server: { top: el('server-top-label'), topProb: el('server-top-prob'), list: el('server-probabilities') },
  serverLatency: el('server-latency'),
  preview: el<HTMLCanvasElement>('preview'),
  previewSize: el('preview-size'),
};

const hook = installDebugHook();
let models: DemoModel[] = [];
let current: Promise<LoadedSession> | null = null;
/** Bumped on Clear and model switches: runs started before are not shown. */
let epoch = 0;
let serverSeq = 0;

function status(text: string, error = false): void {
  ui.status.textContent = text;
  ui.status.classList.toggle('error', error);
}

function showEmpty(): void {
  renderPredictions(ui.browser, []);
  renderPredictions(ui.server, []);
  ui.latency.textContent = '';
  ui.serverLatency.textContent = '';
  const spec = models.find((m) => m.name === ui.select.value)?.preprocessing;
  renderPreview(ui.preview, null, spec?.size ?? [28, 28, 1]);
  ui.hint.hidden = false;
  hook.last = null;
}

const runner = new LatestOnlyRunner<number, { run: LastRun; session: LoadedSession } | null>(
  async (startedIn) => {
    if (!current || pad.empty) return null;
    const session = await current;
    const spec = session.model.preprocessing!;
    const gray = pad.grayPixels();
    const tensor = imageToTensor(gray, spec);
    const { probabilities, ms } = await runOnce(session, tensor);
    return { session, run: { epoch: startedIn, model: session.model.name, provider: session.provider, gray, tensor, probabilities, ms, ranked: topK(probabilities, session.model.labels) } };
  },
  (startedIn, out) => {
    if (!out || startedIn !== epoch || pad.empty) return;
    const { run, session } = out;
    renderPredictions(ui.browser, run.ranked);
    renderPreview(ui.preview, run.tensor, session.model.preprocessing!.size);
    hook.runs++;
    ui.latency.textContent = `${run.ms.toFixed(2)} ms per run · ${session.provider}`;
    ui.latency.title = `run #${hook.runs} in this page`;
    hook.last = run;
    hook.firstPredictionMs ??= performance.now();
  },
  (err) => status(`inference failed: ${(err as Error).message}`, true),
);

async function compareWithServer(): Promise<void> {
  const model = models.find((m) => m.name === ui.select.value);
  if (!ui.compare.checked || !model || pad.empty) return;
  const seq = ++serverSeq;
  const png = await new Promise<Blob | null>((ok) => pad.work.toBlob(ok, 'image/png'));
  if (!png) return;
  try {
    const { predictions, ms } = await classifyOnServer(model, png);
    if (seq !== serverSeq || pad.empty) return;
    renderPredictions(ui.server, predictions as Ranked[]);
    ui.serverLatency.textContent = `${ms.toFixed(1)} ms round trip · server`;
  } catch (err) {
    if (seq === serverSeq) ui.serverLatency.textContent = `server: ${(err as Error).message}`;
  }
}

const pad = new DrawingPad(ui.canvas, {
  onChange() {
    if (pad.empty) {
      epoch++;
      serverSeq++;
      runner.cancel();
      showEmpty();
      return;
    }
    ui.hint.hidden = true;
    runner.request(epoch);
  },
  onStrokeEnd() {
    runner.request(epoch);
    void compareWithServer();
  },
});
hook.pad = pad;
hook.idle = () => runner.idle;
hook.bench = async (runs) => {
  if (!current || !hook.last) throw new Error('draw something first: the benchmark reruns the last input');
  const session = await current;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await runOnce(session, hook.last.tensor)).ms);
  return times;
};

async function selectModel(name: string): Promise<void> {
  const model = models.find((m) => m.name === name);
  if (!model?.preprocessing) return;
  epoch++;
  ui.previewSize.textContent = `${model.preprocessing.size[1]}×${model.preprocessing.size[0]} input, ${model.name} v${model.version}`;
  status(`loading ${model.name} v${model.version}…`);
  const t0 = performance.now();
  current = loadSession(model);
  try {
    const session = await current;
    if (ui.select.value !== name) return;
    ui.provider.textContent = session.provider;
    hook.model = model.name;
    hook.provider = session.provider;
    hook.ready = true;
    status(`${model.name} v${model.version} ready in ${Math.round(performance.now() - t0)} ms — draw ${model.labels.length && model.labels.every((l) => /^[0-9]$/.test(l)) ? 'a digit' : model.labels.every((l) => /^[A-Za-z]+$/.test(l)) ? 'a letter' : 'something'}`);
    if (pad.empty) showEmpty();
    else {
      runner.request(epoch);
      void compareWithServer();
    }
  } catch (err) {
    status(`could not load ${model.name}: ${(err as Error).message}`, true);
  }
}

async function loadImageFile(file: File): Promise<void> {
  if (!file.type.startsWith('image/')) return status(`"${file.name}" is not an image; pick a PNG or JPEG`, true);
  try {
    const bitmap = await createImageBitmap(file);
    pad.setImage(bitmap, bitmap.width, bitmap.height);
    void compareWithServer();
  } catch (err) {
    status(`could not read "${file.name}": ${(err as Error).message}`, true);
  }
}

ui.clear.addEventListener('click', () => pad.clear());
ui.undo.addEventListener('click', () => {
  pad.undo();
  void compareWithServer();
});
ui.select.addEventListener('change', () => void selectModel(ui.select.value));
ui.compare.addEventListener('change', () => {
  ui.serverColumn.hidden = !ui.compare.checked;
  void compareWithServer();
});
ui.file.addEventListener('change', () => {
  const file = ui.file.files?.[0];
  if (file) void loadImageFile(file);
  ui.file.value = '';
});
ui.pad.addEventListener('dragover', (e) => {
  e.preventDefault();
  ui.pad.classList.add('dragging');
});
ui.pad.addEventListener('dragleave', () => ui.pad.classList.remove('dragging'));
ui.pad.addEventListener('drop', (e) => {
  e.preventDefault();
  ui.pad.classList.remove('dragging');
  const file = e.dataTransfer?.files[0];
  if (file) void loadImageFile(file);
});

async function start(): Promise<void> {
  showEmpty();
  try {
    models = await listModels();
  } catch (err) {
    return status(`could not list the server's models: ${(err as Error).message}`, true);
  }
  ui.select.replaceChildren(
    ...models.map((m) => {
      const why = notDrawable(m);
      const option = new Option(why ? `${m.name} v${m.version} (${why})` : `${m.name} v${m.version}`, m.name);
      option.disabled = why !== null;
      return option;
    }),
  );
  const first = models.find((m) => notDrawable(m) === null);
  if (!first) return status('no image model is published yet: run `npx onnxline pipeline digits`, then reload', true);
  ui.select.value = first.name;
  ui.select.disabled = false;
  await selectModel(first.name);
}

void start();
