/**
 * Training-step benchmark for onnxline's wasm kernels (a script, not a test):
 *
 *     npx tsx pipeline/kernels/bench.ts [--model mnist|digits|recipe] [--steps 10] [--batch 128] [--threads 1] [--quick] [--cpu]
 *
 * Models (Adam, categorical cross-entropy, random data):
 *   mnist   (default) the 32/64-filter MNIST CNN: 28×28×1 → Conv 32 k3 relu → MaxPool 2 → Conv 64
 *           k3 relu → MaxPool 2 → Flatten → Dense 128 relu → Dense 10 softmax;
 *   digits  digits-shaped, with BatchNormalization (fixed here so numbers stay comparable): Conv 32
 *           k3 'same' (no bias, L2) → BatchNorm → ReLU → MaxPool 2 → Conv 64 k3 'same' (no bias, L2)
 *           → BatchNorm → ReLU → MaxPool 2 → Flatten → Dropout 0.4 → Dense 128 relu (L2) →
 *           Dropout 0.3 → Dense 10 softmax;
 *   recipe  whatever the `digits` recipe (models/digits.ts) builds today.
 *
 * Prints samples/s for:
 *
 *   before     stock wasm plus the minimal fix (a plain JS loop Conv2DBackpropFilter, the
 *              tfjs-cpu algorithm) — stock wasm alone cannot train it at all;
 *   missing    onnxline's missing kernels only (registerWasmTrainingKernels({accelerate:false}));
 *   after      onnxline's kernels including the XNNPACK replacements (the default);
 *   cpu        tfjs-backend-cpu, with --cpu (slow: minutes);
 *
 * (--quick runs only "after"), then a per-kernel profile (tf.profile) of one "after" training step, plus wasm thread/SIMD state.
 * --threads N > 1 loads tfjs's threaded SIMD build (see init-wasm.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { initWasmTrainingBackend } from './init-wasm.ts';
import { registerWasmTrainingKernels, unregisterWasmTrainingKernels } from './register-wasm.ts';
import { f32, type WasmKernelArgs } from './wasm/util.ts';
import { digits } from '../../models/digits.ts';
import { benchModel } from '../../models/bench-models.ts';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}
const STEPS = arg('steps', 10);
const BATCH = arg('batch', 128);
const THREADS = arg('threads', 1);
/** --quick: only the "after" configuration and the profile. */
const QUICK = process.argv.includes('--quick');
const MODEL = (() => {
  const i = process.argv.indexOf('--model');
  const name = i >= 0 ? process.argv[i + 1] : 'mnist';
  if (name !== 'mnist' && name !== 'digits' && name !== 'recipe') throw new Error(`--model must be mnist, digits or recipe, got ${name}`);
  return name;
})();

/** The tfjs-cpu Conv2DBackpropFilter algorithm as a flat typed-array loop: the "before" fix. */
function naiveConv2DBackpropFilter(args: WasmKernelArgs): tf.TensorInfo {
  const { inputs, backend } = args;
  const attrs = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const x = inputs.x as tf.TensorInfo;
  const dy = inputs.dy as tf.TensorInfo;
  const ci = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: CO, filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw } = ci;
  const out = backend.makeOutput(ci.filterShape, 'float32');
  const xv = f32(backend, x);
  const dyv = f32(backend, dy);
  const ov = f32(backend, out);
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      for (let c = 0; c < C; c++) {
        for (let o = 0; o < CO; o++) {
          let s = 0;
          for (let b = 0; b < B; b++) {
            for (let oh = 0; oh < OH; oh++) {
              const ih = oh * sh + kh - ci.padInfo.top;
              if (ih < 0 || ih >= H) continue;
              for (let ow = 0; ow < OW; ow++) {
                const iw = ow * sw + kw - ci.padInfo.left;
                if (iw < 0 || iw >= W) continue;
                s += xv[((b * H + ih) * W + iw) * C + c] * dyv[((b * OH + oh) * OW + ow) * CO + o];
              }
            }
          }
          ov[((kh * KW + kw) * C + c) * CO + o] = s;
        }
      }
    }
  }
  return out;
}

function buildModel(): tf.LayersModel {
  if (MODEL === 'recipe') {
    const model = digits.build();
    model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
    return model;
  }
  if (MODEL === 'digits') {
    const l2 = () => tf.regularizers.l2({ l2: 1e-4 });
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, padding: 'same', useBias: false, kernelRegularizer: l2() }),
        tf.layers.batchNormalization({ momentum: 0.9 }),
        tf.layers.activation({ activation: 'relu' }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', useBias: false, kernelRegularizer: l2() }),
        tf.layers.batchNormalization({ momentum: 0.9 }),
        tf.layers.activation({ activation: 'relu' }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.flatten(),
        tf.layers.dropout({ rate: 0.4 }),
        tf.layers.dense({ units: 128, activation: 'relu', kernelRegularizer: l2() }),
        tf.layers.dropout({ rate: 0.3 }),
        tf.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
    return model;
  }
  const model = benchModel('bench-cnn').build();
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  return model;
}

/**
 * Samples per second of model.trainOnBatch on the active backend (after 2 warm-up steps), from
 * the mean step time; also the fastest single step (steadier than the mean on a busy machine).
 */
async function samplesPerSecond(steps: number): Promise<{ sps: number; msPerStep: number; bestMs: number; loss: number }> {
  const model = buildModel();
  const x = tf.randomUniform([BATCH, 28, 28, 1], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.randomUniform([BATCH], 0, 10, 'int32', 2) as tf.Tensor1D, 10);
  for (let i = 0; i < 2; i++) await model.trainOnBatch(x, y);
  let loss = 0;
  let total = 0;
  let bestMs = Infinity;
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    loss = (await model.trainOnBatch(x, y)) as number;
    const ms = performance.now() - t0;
    total += ms;
    bestMs = Math.min(bestMs, ms);
  }
  const ms = total / steps;
  tf.dispose([x, y]);
  model.dispose();
  return { sps: (BATCH * 1000) / ms, msPerStep: ms, bestMs, loss };
}

const line = (r: { sps: number; msPerStep: number; bestMs: number }) => `${r.sps.toFixed(0).padStart(6)} samples/s  (${r.msPerStep.toFixed(0)} ms/step, best ${r.bestMs.toFixed(0)} ms = ${((BATCH * 1000) / r.bestMs).toFixed(0)} samples/s)`;

async function profileStep(): Promise<void> {
  const model = buildModel();
  const x = tf.randomUniform([BATCH, 28, 28, 1], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.randomUniform([BATCH], 0, 10, 'int32', 2) as tf.Tensor1D, 10);
  await model.trainOnBatch(x, y);
  const t0 = performance.now();
  const info = await tf.profile(async () => {
    await model.trainOnBatch(x, y);
  });
  const wall = performance.now() - t0;
  const byName = new Map<string, { ms: number; n: number }>();
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const e = byName.get(k.name) ?? { ms: 0, n: 0 };
    e.ms += ms;
    e.n += 1;
    byName.set(k.name, e);
  }
  const rows = [...byName.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const total = rows.reduce((s, [, e]) => s + e.ms, 0);
  console.log(`\nprofile of one training step (after), batch ${BATCH}: ${info.kernels.length} kernel calls, ${total.toFixed(1)} ms in kernels, ${wall.toFixed(1)} ms wall (profiling adds overhead)`);
  console.log('  kernel                          calls   total ms   share');
  for (const [name, e] of rows.slice(0, 15)) {
    console.log(`  ${name.padEnd(32)}${String(e.n).padStart(5)}${e.ms.toFixed(2).padStart(11)}${((100 * e.ms) / total).toFixed(1).padStart(7)}%`);
  }
  tf.dispose([x, y]);
  model.dispose();
}

async function main(): Promise<void> {
  const info = await initWasmTrainingBackend({ threads: THREADS });
  const threadsFlag = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  console.log(`wasm backend: ${info.binary}, SIMD ${info.simd ? 'on' : 'off'}, XNNPACK threads ${info.threads}, multithread flag ${threadsFlag ? 'on' : 'off'}${info.note ? ` (${info.note})` : ''}`);
  const probe = buildModel();
  const title = `${{ mnist: 'MNIST CNN', digits: 'digits-shaped CNN (BatchNorm)', recipe: "the digits recipe's model" }[MODEL]} (${probe.countParams()} parameters)`;
  probe.dispose();
  console.log(`${title}, batch ${BATCH}, Adam, ${STEPS} timed steps per configuration\n`);

  if (!QUICK) {
    unregisterWasmTrainingKernels();
    tf.registerKernel({ kernelName: tf.Conv2DBackpropFilter, backendName: 'wasm', kernelFunc: naiveConv2DBackpropFilter as unknown as tf.KernelFunc });
    const before = await samplesPerSecond(Math.max(1, Math.min(STEPS, 3)));
    tf.unregisterKernel(tf.Conv2DBackpropFilter, 'wasm');
    console.log(`before  (stock wasm + JS-loop Conv2DBackpropFilter): ${line(before)}`);

    registerWasmTrainingKernels({ accelerate: false });
    const missing = await samplesPerSecond(STEPS);
    console.log(`missing (onnxline missing kernels, stock rest):     ${line(missing)}`);
    unregisterWasmTrainingKernels();
  }

  const names = registerWasmTrainingKernels();
  const after = await samplesPerSecond(STEPS);
  console.log(`after   (onnxline kernels + XNNPACK replacements):  ${line(after)}`);
  console.log(`registered: ${names.join(', ')}`);

  if (process.argv.includes('--cpu')) {
    await tf.setBackend('cpu');
    const cpu = await samplesPerSecond(1);
    console.log(`cpu     (tfjs-backend-cpu):                         ${line(cpu)}`);
    await tf.setBackend('wasm');
  }
  await profileStep();
}

await main();
