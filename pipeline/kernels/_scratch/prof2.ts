import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../register-wasm.ts';
await tf.setBackend('wasm');
registerWasmTrainingKernels();
const model = tf.sequential({ layers: [
  tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu' }), tf.layers.maxPooling2d({ poolSize: 2 }),
  tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }), tf.layers.maxPooling2d({ poolSize: 2 }), tf.layers.flatten(),
  tf.layers.dense({ units: 128, activation: 'relu' }), tf.layers.dense({ units: 10, activation: 'softmax' })] });
model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
const x = tf.randomUniform([128, 28, 28, 1]); const y = tf.oneHot(tf.randomUniform([128], 0, 10, 'int32') as tf.Tensor1D, 10);
for (let i = 0; i < 3; i++) await model.trainOnBatch(x, y);
for (let rep = 0; rep < 2; rep++) {
const info = await tf.profile(async () => { await model.trainOnBatch(x, y); });
const agg = new Map<string, number>();
for (const k of info.kernels) { const key = `${k.name} ${JSON.stringify(k.inputShapes)}`; agg.set(key, (agg.get(key) ?? 0) + (k.kernelTimeMs as number)); }
console.log([...agg.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${v.toFixed(2).padStart(7)} ${k}`).join('\n'));
console.log('---');
}
