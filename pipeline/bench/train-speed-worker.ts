/**
 * One backend's half of `npm run bench:train`, run in its own process (tfjs backends are global
 * state): selects the backend, measures each model, and writes one JSON object per line to
 * stdout. Human log lines go to stderr.
 *
 *   node --import tsx pipeline/bench/train-speed-worker.ts --backend wasm --models bench-cnn,... \
 *     --batch 128 --samples 2048 --max-seconds 60 [--profile]
 */
import { parseArgs } from 'node:util';
import { selectBackend, type BackendChoice } from '../train/backend.ts';
import { benchModel } from '../../models/bench-models.ts';
import { measureThroughput, profileTrainStep } from './measure.ts';

const { values } = parseArgs({
  options: {
    backend: { type: 'string' },
    models: { type: 'string' },
    batch: { type: 'string', default: '128' },
    samples: { type: 'string', default: '2048' },
    'max-seconds': { type: 'string', default: '60' },
    profile: { type: 'boolean', default: false },
  },
});

const emit = (obj: object) => process.stdout.write(`${JSON.stringify(obj)}\n`);
const log = (line: string) => process.stderr.write(`${line}\n`);

const backend = values.backend as BackendChoice;
let detail: string;
let resolved: string;
try {
  const selected = await selectBackend(backend, log);
  detail = selected.detail;
  resolved = selected.name;
} catch (err) {
  emit({ type: 'unavailable', backend, reason: (err as Error).message });
  process.exit(0);
}
emit({ type: 'backend', backend, resolved, detail });
const opts = { batch: Number(values.batch), samples: Number(values.samples), maxSeconds: Number(values['max-seconds']) };
for (const name of (values.models ?? '').split(',').filter(Boolean)) {
  const spec = benchModel(name);
  log(`bench:train: ${backend} ${name} …`);
  emit({ type: 'result', backend, resolved, detail, model: name, ...(await measureThroughput(spec, opts)) });
  if (values.profile) emit({ type: 'profile', backend, resolved, model: name, ...(await profileTrainStep(spec, opts.batch)) });
}
