/**
 * `npm run bench:train`: training and inference throughput of the three benchmark models
 * (models/bench-models.ts) at batch 128 with Adam, on every tfjs backend this machine has, beside
 * PyTorch CPU (../shared/bench/torch_reference.py, same architectures) measured in the same run.
 * Prints a table with the ratios to PyTorch and writes it as JSON (runs/bench/train-speed.json).
 *
 *   npm run bench:train -- [--models bench-cnn,fonts-cnn,digits-lstm] [--backends auto,cpu]
 *                          [--batch 128] [--samples 2048] [--max-seconds 60] [--profile] [--out FILE]
 *
 * `auto` is the backend onnxline trains on by default here; the others are measured besides it
 * when they are installed (tfjs-node, tfjs-node-gpu, wasm, cpu: the pure-JS cpu backend needs
 * minutes per model, so --max-seconds cuts its timed pass short; webgpu is `npm run bench:gpu`'s).
 * Each (backend, model) pair runs in a fresh process; PyTorch runs just before the tfjs backends
 * of each model so both see the same machine load.
 */
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BACKEND_CHOICES } from '../train/backend.ts';
import { BENCH_MODELS, benchModel } from '../../models/bench-models.ts';
import { writeJsonAtomic } from '../runner/atomic.ts';
import { runTorchReference, type TorchFigure } from './torch-reference.ts';
import type { KernelTime, Throughput } from './measure.ts';

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: BENCH_MODELS.map((m) => m.name).join(',') },
    // webgpu is bench:gpu's job (on a software adapter it is no figure worth having here).
    backends: { type: 'string', default: BACKEND_CHOICES.filter((b) => b !== 'webgpu').join(',') },
    batch: { type: 'string', default: '128' },
    samples: { type: 'string', default: '2048' },
    'max-seconds': { type: 'string', default: '60' },
    profile: { type: 'boolean', default: false },
    out: { type: 'string', default: 'runs/bench/train-speed.json' },
  },
});

const models = values.models.split(',').filter(Boolean);
for (const m of models) benchModel(m); // fails early on a typo
const backends = values.backends.split(',').filter(Boolean);
for (const b of backends) {
  if (!(BACKEND_CHOICES as readonly string[]).includes(b)) throw new Error(`--backends: unknown backend "${b}"; choose from ${BACKEND_CHOICES.join(', ')}`);
}
const batch = Number(values.batch);
const samples = Number(values.samples);

interface WorkerLine {
  type: 'backend' | 'unavailable' | 'result' | 'profile';
  backend: string;
  /** The worker died (rather than the backend being refused). */
  crashed?: boolean;
  resolved?: string;
  detail?: string;
  reason?: string;
  model?: string;
  kernels?: KernelTime[];
  wallMs?: number;
}

/** Runs one backend's worker for one model; the worker's log lines pass through to stderr. */
async function runWorker(backend: string, model: string): Promise<WorkerLine[]> {
  const worker = resolve(import.meta.dirname, 'train-speed-worker.ts');
  const args = ['--import', 'tsx', worker, '--backend', backend, '--models', model, '--batch', String(batch), '--samples', String(samples), '--max-seconds', values['max-seconds']];
  if (values.profile) args.push('--profile');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((res) => child.on('close', res));
  const lines = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as WorkerLine);
  if (code !== 0) lines.push({ type: 'unavailable', backend, crashed: true, reason: `${model}: worker exited with code ${code}` });
  return lines;
}

interface Row {
  model: string;
  backend: string;
  /** True for the backend onnxline picks by default on this machine. */
  isDefault: boolean;
  detail?: string;
  train?: number;
  infer?: number;
  trainVsTorch?: number;
  inferVsTorch?: number;
  unavailable?: string;
  steps?: number;
}

const rows: Row[] = [];
const torch: Record<string, TorchFigure> = {};
const profiles: { model: string; backend: string; kernels: KernelTime[]; wallMs: number }[] = [];
let torchUnavailable: string | undefined;
let defaultBackend: string | undefined;
const unavailable = new Map<string, string>();

console.log(`bench:train — batch ${batch}, Adam, ${samples} samples per timed pass; ${cpus().length} cores, load ${loadavg()[0]!.toFixed(2)}\n`);
for (const model of models) {
  const t = await runTorchReference([model], batch, samples);
  if ('figures' in t) for (const f of t.figures) torch[f.model] = f;
  else torchUnavailable = t.unavailable;
  const ref = torch[model];
  for (const backend of backends) {
    if (unavailable.has(backend)) continue;
    if (backend !== 'auto' && backend === defaultBackend) continue; // already measured as auto
    for (const line of await runWorker(backend, model)) {
      if (line.type === 'unavailable') {
        // selectBackend's refusal holds for every model; a crashed worker only for this one.
        if (!line.crashed) unavailable.set(backend, line.reason ?? 'unavailable');
        rows.push({ model, backend, isDefault: false, unavailable: line.reason });
      } else if (line.type === 'backend' && backend === 'auto') {
        defaultBackend = line.resolved;
      } else if (line.type === 'result') {
        const r = line as unknown as WorkerLine & Throughput;
        if (!Number.isFinite(r.loss)) console.log(`warning: ${model} on ${backend}: the training loss was ${r.loss}; its figures are not meaningful`);
        const name = backend === 'auto' ? (line.resolved ?? 'auto') : backend;
        rows.push({
          model,
          backend: name,
          isDefault: backend === 'auto' || name === defaultBackend,
          detail: line.detail,
          train: r.trainSamplesPerSec,
          infer: r.inferSamplesPerSec,
          steps: r.trainSteps,
          ...(ref ? { trainVsTorch: r.trainSamplesPerSec / ref.train_samples_per_s, inferVsTorch: r.inferSamplesPerSec / ref.infer_samples_per_s } : {}),
        });
      } else if (line.type === 'profile') {
        profiles.push({ model, backend: line.resolved ?? backend, kernels: line.kernels ?? [], wallMs: line.wallMs ?? 0 });
      }
    }
  }
}

const fmt = (n: number | undefined) => (n === undefined ? '—' : Math.round(n).toLocaleString('en-US'));
const ratio = (n: number | undefined) => (n === undefined ? '—' : `${n.toFixed(2)}×`);
console.log('\nmodel        backend            train samples/s  × torch   infer samples/s  × torch');
for (const model of models) {
  const ref = torch[model];
  if (ref) console.log(`${model.padEnd(13)}${`pytorch ${ref.torch} (${ref.threads} thr)`.padEnd(19)}${fmt(ref.train_samples_per_s).padStart(15)}${''.padStart(9)}${fmt(ref.infer_samples_per_s).padStart(17)}`);
  for (const r of rows.filter((x) => x.model === model && !x.unavailable)) {
    const name = `${r.backend}${r.isDefault ? ' (default)' : ''}`;
    console.log(`${model.padEnd(13)}${name.padEnd(19)}${fmt(r.train).padStart(15)}${ratio(r.trainVsTorch).padStart(9)}${fmt(r.infer).padStart(17)}${ratio(r.inferVsTorch).padStart(9)}`);
  }
}
for (const [b, why] of unavailable) console.log(`not measured: ${b}: ${why}`);
for (const r of rows.filter((x) => x.unavailable && !unavailable.has(x.backend))) console.log(`not measured: ${r.backend}: ${r.unavailable}`);
if (torchUnavailable) console.log(`not measured: pytorch: ${torchUnavailable}`);
for (const p of profiles) {
  const total = p.kernels.reduce((s, k) => s + k.ms, 0);
  console.log(`\nprofile: ${p.model} on ${p.backend}, one training step: ${total.toFixed(1)} ms in kernels, ${p.wallMs.toFixed(1)} ms wall`);
  for (const k of p.kernels.slice(0, 12)) console.log(`  ${k.kernel.padEnd(30)}${String(k.calls).padStart(5)} calls${k.ms.toFixed(2).padStart(10)} ms${((100 * k.ms) / total).toFixed(1).padStart(7)}%`);
}

const out = resolve(values.out);
await writeJsonAtomic(out, {
  date: new Date().toISOString(),
  machine: { cores: cpus().length, cpu: cpus()[0]?.model, loadAtStart: loadavg()[0] },
  batch,
  samples,
  defaultBackend,
  torch: Object.values(torch),
  torchUnavailable,
  rows,
  profiles,
});
console.log(`\nwritten: ${out}`);
