/**
 * Runs ../shared/bench/torch_reference.py (the PyTorch CPU reference of the training-speed
 * benchmark) with Debian's /usr/bin/python3 and returns its figures, or why it could not run.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export interface TorchFigure {
  model: string;
  batch: number;
  params: number;
  train_samples_per_s: number;
  infer_samples_per_s: number;
  threads: number;
  torch: string;
}

/** Where the reference script lives: ONNXLINE_TORCH_REFERENCE, else ../shared/bench beside the repository. */
export function torchReferencePath(): string {
  return process.env.ONNXLINE_TORCH_REFERENCE ?? resolve(import.meta.dirname, '../../../shared/bench/torch_reference.py');
}

/**
 * The PyTorch figures for `models` (one JSON line each from the script), or `{ unavailable }`
 * saying what is missing (the script, python3, or torch: `apt-get install python3-torch`).
 */
export async function runTorchReference(models: string[], batch: number, samples: number, python = '/usr/bin/python3'): Promise<{ figures: TorchFigure[] } | { unavailable: string }> {
  const script = torchReferencePath();
  if (!existsSync(script)) return { unavailable: `PyTorch reference script not found at ${script} (set ONNXLINE_TORCH_REFERENCE)` };
  if (!existsSync(python)) return { unavailable: `${python} not found` };
  const child = spawn(python, [script, '--batch', String(batch), '--samples', String(samples), '--models', models.join(',')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((res) => child.on('close', res));
  if (code !== 0) {
    if (/No module named 'torch'/.test(err)) return { unavailable: `${python} has no torch (apt-get install python3-torch)` };
    return { unavailable: `torch_reference.py exited with ${code}: ${err.trim().split('\n').pop() ?? ''}` };
  }
  return { figures: out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as TorchFigure) };
}
