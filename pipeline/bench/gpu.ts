/**
 * `npm run bench:gpu`: onnxline's GPU figures. Names the WebGPU adapter Dawn finds, then
 *  - trains bench-cnn, fonts-cnn and digits-lstm (models/bench-models.ts) at batch 128 with tfjs on
 *    webgpu and, where python3 has torch with CUDA, the same models in PyTorch on the same GPU
 *    (pipeline/bench/torch_cuda.py), in the same run;
 *  - runs the digits ONNX model on onnxruntime-node's webgpu and cpu execution providers at
 *    batch 1, 64 and 1,024;
 * prints a table with the ratios and saves it as JSON under runs/bench/. On a software adapter it
 * runs a short smoke version and labels every figure "software adapter — not a GPU figure"; with
 * no adapter it says so and exits 0.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_MODELS } from '../../models/bench-models.ts';
import { describeAdapter, probeAdapter, type AdapterInfo } from '../gpu/webgpu.ts';
import { selectBackend } from '../train/backend.ts';
import { measureTraining, type TrainFigure } from './gpu-train.ts';
import { digitsOnnx, measureProvider, type ServeFigure } from './gpu-serve.ts';

export const SOFTWARE_LABEL = 'software adapter — not a GPU figure';

interface TorchFigure {
  model: string;
  batch: number;
  train_samples_per_s: number;
  infer_samples_per_s: number;
  device: string;
  torch: string;
}

/** Runs torch_cuda.py; resolves with its figures or why there are none (never throws). */
function torchCuda(batch: number): { figures: TorchFigure[] } | { unavailable: string } {
  const script = fileURLToPath(new URL('./torch_cuda.py', import.meta.url));
  const r = spawnSync('python3', [script, '--batch', String(batch), '--models', BENCH_MODELS.map((m) => m.name).join(',')], { encoding: 'utf8', timeout: 600_000 });
  if (r.error) return { unavailable: `python3 could not be run (${r.error.message})` };
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as TorchFigure & { unavailable?: string });
  const missing = lines.find((l) => l.unavailable);
  if (missing) return { unavailable: missing.unavailable! };
  if (r.status !== 0 || !lines.length) return { unavailable: `torch_cuda.py failed (exit ${r.status}): ${r.stderr.trim().split('\n').at(-1) ?? ''}` };
  return { figures: lines };
}

const fmt = (n: number | undefined, digits = 0): string => (n === undefined || !Number.isFinite(n) ? '—' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** Runs the benchmark as the module comment says; resolves with the path of the saved JSON (or null with no adapter). */
export async function benchGpu(log: (line: string) => void = console.log): Promise<string | null> {
  const probe = await probeAdapter();
  if (probe.status !== 'found') {
    log(`bench:gpu: no WebGPU adapter here — ${probe.reason}. Nothing to measure; see the README's GPU section for what to install.`);
    return null;
  }
  const adapter: AdapterInfo = probe.adapter;
  const software = adapter.software;
  const note = software ? SOFTWARE_LABEL : '';
  log(`bench:gpu: adapter ${describeAdapter(adapter)}`);
  if (software) log(`bench:gpu: this is a CPU implementation of Vulkan, not a GPU: running a short smoke version; every figure is labelled "${SOFTWARE_LABEL}"`);
  const plan = software
    ? { batch: 16, steps: 3, warmup: 1, maxSeconds: 20, serveBatches: [1, 64], serve: { minRuns: 2, seconds: 0, warmup: 1 } }
    : { batch: 128, steps: 64, warmup: 3, maxSeconds: 30, serveBatches: [1, 64, 1024], serve: { minRuns: 20, seconds: 3, warmup: 3 } };

  const backend = await selectBackend('webgpu', (l) => log(l));
  log(`bench:gpu: tfjs ${backend.detail}`);
  const train: TrainFigure[] = [];
  for (const spec of BENCH_MODELS) {
    const f = await measureTraining(spec, plan);
    log(`bench:gpu: trained ${spec.name} on webgpu: ${fmt(f.samplesPerSec)} samples/s (batch ${f.batch}, ${f.steps} steps, loss ${f.loss.toFixed(3)})${note ? ` — ${note}` : ''}`);
    train.push(f);
  }
  const torch = software ? { unavailable: 'not run: a software adapter means this machine has no GPU for PyTorch CUDA either' } : torchCuda(plan.batch);
  if ('unavailable' in torch) log(`bench:gpu: PyTorch CUDA: ${torch.unavailable}`);

  const model = await digitsOnnx(resolve('model-repository'));
  log(`bench:gpu: serving figures for digits from ${model.source}`);
  const serve: { batch: number; webgpu: ServeFigure; cpu: ServeFigure }[] = [];
  for (const batch of plan.serveBatches) {
    const cpu = await measureProvider(model.bytes, 'cpu', batch, plan.serve);
    const webgpu = await measureProvider(model.bytes, 'webgpu', batch, plan.serve);
    serve.push({ batch, webgpu, cpu });
  }

  const torchOf = (name: string) => ('figures' in torch ? torch.figures.find((t) => t.model === name) : undefined);
  const trainRows = train.map((f) => {
    const t = torchOf(f.model);
    return [f.model, String(f.batch), fmt(f.samplesPerSec), fmt(t?.train_samples_per_s), t ? `${fmt((100 * f.samplesPerSec) / t.train_samples_per_s, 1)}%` : '—', note || (t ? (f.samplesPerSec / t.train_samples_per_s >= 0.25 ? 'target ≥ 25%: met' : 'target ≥ 25%: NOT met') : '')];
  });
  const serveRows = serve.map((s) => [
    String(s.batch),
    fmt(s.webgpu.msPerRun, 2),
    fmt(s.webgpu.samplesPerSec),
    fmt(s.cpu.msPerRun, 2),
    fmt(s.cpu.samplesPerSec),
    `${fmt(s.webgpu.samplesPerSec / s.cpu.samplesPerSec, 2)}×`,
    note || (s.batch === 1024 ? (s.webgpu.samplesPerSec / s.cpu.samplesPerSec >= 2 ? 'target ≥ 2×: met' : 'target ≥ 2×: NOT met') : ''),
  ]);
  log('');
  log(`Training, samples/s (tfjs-backend-webgpu on ${describeAdapter(adapter)}; PyTorch CUDA on ${'figures' in torch ? torch.figures[0]?.device : 'n/a'})`);
  log(table(['model', 'batch', 'tfjs webgpu', 'PyTorch CUDA', 'webgpu / PyTorch', 'note'], trainRows));
  log('');
  log(`Serving digits with onnxruntime-node (webgpu EP vs cpu EP on ${availableParallelism()} cores)`);
  log(table(['batch', 'webgpu ms/run', 'webgpu samples/s', 'cpu ms/run', 'cpu samples/s', 'webgpu / cpu', 'note'], serveRows));

  const out = resolve('runs/bench');
  mkdirSync(out, { recursive: true });
  const file = join(out, `gpu-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const report = {
    createdAt: new Date().toISOString(),
    adapter,
    label: software ? SOFTWARE_LABEL : 'GPU',
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism() },
    tfjs: { backend: backend.detail, plan: { batch: plan.batch, steps: plan.steps, warmup: plan.warmup } },
    train: train.map((f) => ({ ...f, note, torch: torchOf(f.model) ?? null })),
    torch: 'figures' in torch ? { available: true } : { available: false, reason: torch.unavailable },
    serve: { model: model.source, figures: serve.map((s) => ({ ...s, ratio: s.webgpu.samplesPerSec / s.cpu.samplesPerSec, note })) },
  };
  writeFileSync(file, `${JSON.stringify(report, null, 1)}\n`);
  log('');
  log(`bench:gpu: saved ${file}`);
  return file;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  benchGpu().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(`bench:gpu: error: ${(err as Error).message}`);
      process.exit(1);
    },
  );
}
