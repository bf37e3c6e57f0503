/**
 * The `onnxline` command line: parses arguments with commander, then calls a stage, the
 * pipeline, the exporter or the server. Errors print as one line naming what to do.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { recipes, loadRecipe } from '../models/index.ts';
import { sweeps } from '../models/fashion.ts';
import { BACKEND_CHOICES, type BackendChoice } from './train/backend.ts';
import { runPipeline, StageNotAvailableError } from './runner/run-pipeline.ts';
import { resolveConfig } from './runner/resolve-config.ts';
import { STAGE_NAMES, type RunOptions, type StageName } from './runner/stage.ts';
import { stages } from './stages/index.ts';
import { DEVICE_CHOICES, type DeviceChoice } from '../serve/sessions/device.ts';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number ≥ 0 (got "${v}")`);
    return n;
  };
}

/** "1-10" or "1,2,5" → the seeds, in order. */
function parseSeeds(v: string): number[] {
  const seeds: number[] = [];
  for (const part of v.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new InvalidArgumentError(`--seeds takes a list like "1-10" or "1,2,5" (got "${v}")`);
    const a = Number(m[1]);
    const b = m[2] !== undefined ? Number(m[2]) : a;
    if (b < a || b - a > 1000) throw new InvalidArgumentError(`--seeds range "${part}" must go upwards and hold at most 1,000 seeds`);
    for (let s = a; s <= b; s++) seeds.push(s);
  }
  if (!seeds.length) throw new InvalidArgumentError('--seeds is empty');
  return seeds;
}

function parseStages(v: string): StageName[] {
  const names = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) {
    if (!(STAGE_NAMES as readonly string[]).includes(n)) throw new InvalidArgumentError(`unknown stage "${n}"; stages are ${STAGE_NAMES.join(', ')}`);
  }
  return names as StageName[];
}

interface CommonOpts {
  epochs?: number;
  backend: BackendChoice;
  seed: number;
  force?: boolean;
  runs: string;
  repository: string;
  trainLimit?: number;
  opset: number;
  optimize: boolean;
  progress: boolean;
}

function addRunOptions(cmd: Command): Command {
  return cmd
    .option('--epochs <n>', 'override the recipe\'s number of epochs', positiveInt('--epochs'))
    .addOption(new Option('--backend <name>', 'training backend').choices(BACKEND_CHOICES).default('auto'))
    .option('--seed <n>', 'seed for the data split, initialisation, shuffling and augmentation', positiveInt('--seed'), 42)
    .option('--force', 'rerun stages even when their inputs and config are unchanged')
    .option('--train-limit <n>', 'train on at most n samples (smoke runs)', positiveInt('--train-limit'))
    .option('--opset <n>', 'ONNX opset for export (13–17)', positiveInt('--opset'), 17)
    .option('--no-optimize', 'export without graph optimizations')
    .option('--no-progress', 'no live progress bars')
    .option('--runs <dir>', 'where run directories go', 'runs')
    .option('--repository <dir>', 'the model repository that publish writes to', 'model-repository');
}

function runOptions(o: CommonOpts): RunOptions {
  return {
    ...(o.epochs !== undefined ? { epochs: o.epochs } : {}),
    ...(o.trainLimit !== undefined ? { trainLimit: o.trainLimit } : {}),
    seed: o.seed,
    backend: o.backend,
    force: !!o.force,
    runsRoot: resolve(o.runs),
    repositoryRoot: resolve(o.repository),
    opset: o.opset,
    optimize: o.optimize,
    progress: o.progress && !!process.stderr.isTTY,
    log: (line) => console.log(line),
  };
}

async function runStages(recipeName: string, names: StageName[], o: CommonOpts): Promise<string> {
  const recipe = await loadRecipe(recipeName);
  const options = runOptions(o);
  const config = resolveConfig(recipe, options);
  const result = await runPipeline(recipe, config, names, stages, options);
  console.log(`run directory: ${result.runDir} (ran: ${result.ran.join(', ') || 'nothing'}; skipped: ${result.skipped.join(', ') || 'nothing'})`);
  return result.runDir;
}

interface ServeOpts {
  port: number;
  host: string;
  repository: string;
  device: DeviceChoice;
  threads: number;
  maxBatchSize: number;
  maxQueueDelayMs: number;
  bodyLimit: number;
  pollMs: number;
  cors?: string;
}

/** Starts the inference server and keeps it running until SIGTERM/SIGINT. */
async function serveCommand(o: ServeOpts): Promise<void> {
  if (!Number.isFinite(o.maxQueueDelayMs) || o.maxQueueDelayMs < 0) throw new InvalidArgumentError(`--max-queue-delay-ms must be a number ≥ 0 (got ${o.maxQueueDelayMs})`);
  const { startServer, exitOnSignals } = await import('../serve/main.ts');
  const running = await startServer({
    repository: resolve(o.repository),
    port: o.port,
    host: o.host,
    device: o.device,
    threads: o.threads,
    maxBatchSize: o.maxBatchSize,
    maxQueueDelayMs: o.maxQueueDelayMs,
    bodyLimit: o.bodyLimit,
    pollMs: o.pollMs,
    processMetrics: true,
    ...(o.cors ? { corsOrigins: o.cors.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
  });
  exitOnSignals(running);
}

/** Builds the commander program (exported for tests). */
export function buildProgram(): Command {
  const program = new Command('onnxline')
    .description('Train small vision and sequence models with TensorFlow.js, export them to ONNX, prove parity, and serve them.')
    .version(pkg.version)
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('models')
    .description('list the recipes of the model zoo')
    .action(() => {
      const width = Math.max(...[...recipes.keys()].map((k) => k.length));
      for (const r of recipes.values()) console.log(`${r.name.padEnd(width)}  ${r.summary}`);
    });

  addRunOptions(
    program
      .command('pipeline')
      .description('run the stages of a recipe in order, skipping those that are up to date')
      .argument('<recipe>', 'recipe name (see `onnxline models`) or the path of a recipe file')
      .option('--stages <list>', `comma-separated subset of ${STAGE_NAMES.join(',')}`, parseStages)
      .option('--seeds <list>', 'run once per seed ("1-10" or "1,2,5") instead of --seed: the report shows mean ± std', parseSeeds),
  ).action(async (recipe: string, o: CommonOpts & { stages?: StageName[]; seeds?: number[] }) => {
    for (const seed of o.seeds ?? [o.seed]) {
      if (o.seeds) console.log(`pipeline: ${recipe}, seed ${seed} (${o.seeds.indexOf(seed) + 1} of ${o.seeds.length})`);
      await runStages(recipe, o.stages ?? [...STAGE_NAMES], { ...o, seed });
    }
  });

  addRunOptions(
    program
      .command('sweep')
      .description('train every recipe of a sweep (e.g. S2\'s feature-map grid) and write a results table')
      .argument('<sweep>', `one of: ${[...sweeps.keys()].join(', ')}`)
      .option('--only <names>', 'comma-separated subset of the sweep\'s recipes'),
  ).action(async (name: string, o: CommonOpts & { only?: string }) => {
    const { runSweep } = await import('./sweep.ts');
    const result = await runSweep(name, {
      ...(o.only ? { only: o.only.split(',').map((s) => s.trim()) } : {}),
      ...(o.trainLimit !== undefined ? { trainLimit: o.trainLimit } : {}),
      runStages: (recipe) => runStages(recipe, [...STAGE_NAMES], o),
      runOptions: runOptions(o),
    });
    console.log(`sweep ${name}: table in ${result.markdownPath}`);
  });

  for (const name of STAGE_NAMES) {
    const cmd = program.command(name);
    if (name === 'export') {
      cmd
        .description('export a recipe\'s trained model, or any tfjs LayersModel (path/to/model.json), to ONNX')
        .argument('<recipe|model.json>', 'a recipe name, or the path of a tfjs LayersModel model.json')
        .option('-o, --out <file>', 'output .onnx path (with a model.json argument)')
        .option('--nchw-input', 'make image inputs NCHW instead of the tfjs NHWC');
    } else {
      cmd.description(`run the ${name} stage of a recipe (and the stages before it that are not up to date)`).argument('<recipe>', 'recipe name or recipe file');
    }
    addRunOptions(cmd).action(async (target: string, o: CommonOpts & { out?: string; nchwInput?: boolean }) => {
      if (name === 'export' && (target.endsWith('.json') || existsSync(target))) {
        const { runExportCommand } = await import('./export/cli-entry.ts');
        const out = o.out ?? target.replace(/(model)?\.json$/, '') + (target.endsWith('model.json') ? 'model.onnx' : '.onnx');
        console.log(await runExportCommand(target, { out, opset: o.opset, optimize: o.optimize, nchwInput: !!o.nchwInput }));
        return;
      }
      // Like make: the stages before this one run too, but only where they are not up to date.
      await runStages(target, STAGE_NAMES.slice(0, STAGE_NAMES.indexOf(name) + 1), o);
    });
  }

  program
    .command('serve')
    .description('serve the published models over HTTP (KServe v2 / Open Inference Protocol)')
    .option('--port <n>', 'port to listen on (env PORT)', positiveInt('--port'), process.env.PORT ? Number(process.env.PORT) : 8080)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--repository <dir>', 'the model repository to serve', 'model-repository')
    .addOption(new Option('--device <name>', 'execution provider: auto tries cuda, then webgpu (a hardware adapter), then cpu').choices(DEVICE_CHOICES).default('auto'))
    .option('--threads <n>', 'onnxruntime intra-op threads per model (0 = its default)', positiveInt('--threads'), 0)
    .option('--max-batch-size <n>', 'largest dynamic batch, for models whose config.json does not say', positiveInt('--max-batch-size'), 32)
    .option('--max-queue-delay-ms <ms>', 'longest a request waits for a batch to fill, for models whose config.json does not say', Number, 0)
    .option('--body-limit <bytes>', 'largest request body in bytes', positiveInt('--body-limit'), 16 * 1024 * 1024)
    .option('--poll-ms <ms>', 'how often to look for new model versions (0 = never)', positiveInt('--poll-ms'), 2000)
    .option('--cors <origins>', 'comma-separated origins allowed by CORS ("*" for any)')
    .action(async (o: ServeOpts) => {
      await serveCommand(o);
    });

  program
    .command('report')
    .description('write REPORT.md (and an HTML page with the training curves) comparing the zoo\'s results with the studies')
    .option('--runs <dir>', 'where the run directories are', 'runs')
    .option('--out <file>', 'the Markdown report to write', 'REPORT.md')
    .option('--html <file>', 'the HTML page to write (default: report.html next to --out)')
    .action(async (o: { runs: string; out: string; html?: string }) => {
      const { writeReport } = await import('./report/index.ts');
      const { reportNotes } = await import('../models/report-notes.ts');
      const written = await writeReport({ recipes: recipes.values(), runsRoot: o.runs, out: o.out, ...(o.html ? { html: o.html } : {}), notes: reportNotes });
      console.log(`report: wrote ${written.markdownPath} and ${written.htmlPath}`);
      for (const line of written.summary) console.log(`  ${line}`);
    });

  addRunOptions(
    program.command('start').description('what `npm start` runs: the digits pipeline through publish, then the server with the web demo'),
  ).action(async (o: CommonOpts) => {
    await runStages('digits', [...STAGE_NAMES], o);
    await serveCommand({ port: process.env.PORT ? Number(process.env.PORT) : 8080, host: '127.0.0.1', repository: o.repository, device: 'auto', threads: 0, maxBatchSize: 32, maxQueueDelayMs: 0, bodyLimit: 16 * 1024 * 1024, pollMs: 2000 });
  });

  return program;
}

/** Runs the command line in `argv`; sets a non-zero exit code on error instead of throwing. */
export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    const e = err as Error;
    console.error(`onnxline: ${e instanceof StageNotAvailableError ? '' : 'error: '}${e.message}`);
    if (process.env.ONNXLINE_DEBUG) console.error(e.stack);
    process.exitCode = 1;
  }
}

