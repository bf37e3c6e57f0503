import * as tf from '@tensorflow/tfjs';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import { fileURLToPath } from 'node:url';
const workerFile = fileURLToPath(new URL('./worker.cjs', import.meta.url));
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', process.argv[2] !== 'off');
wasm.setThreadsCount(Number(process.argv[3] ?? 2));
const orig = URL.createObjectURL;
URL.createObjectURL = ((b: Blob) => (b.type === 'application/javascript' ? workerFile : orig(b))) as typeof URL.createObjectURL;
import os from 'node:os';
const cpus = os.cpus;
const n = Number(process.argv[3] ?? 2);
(os as { cpus: typeof os.cpus }).cpus = () => { const c = cpus(); return [...c, ...c, ...c, ...c].slice(0, 2 * n); };
const ok = await tf.setBackend('wasm');
(os as { cpus: typeof os.cpus }).cpus = cpus;
URL.createObjectURL = orig;
console.log('ok', ok, 'threads', wasm.getThreadsCount());
const a = tf.randomNormal([512, 512]); const b = tf.randomNormal([512, 512]);
for (let i = 0; i < 5; i++) { const t0 = performance.now(); const c = tf.matMul(a, b); c.dataSync(); console.log('matmul ms', (performance.now() - t0).toFixed(1)); c.dispose(); }
const a2 = tf.randomNormal([1024, 1024]); const b2 = tf.randomNormal([1024, 1024]);
const x = tf.randomNormal([128, 13, 13, 32]) as tf.Tensor4D; const w = tf.randomNormal([3, 3, 32, 64]) as tf.Tensor4D;
for (let i = 0; i < 4; i++) {
  let t0 = performance.now(); const c = tf.matMul(a2, b2); c.dataSync(); const t1 = performance.now();
  const y = tf.conv2d(x, w, 1, 'valid'); y.dataSync(); const t2 = performance.now();
  console.log('mm1024', (t1 - t0).toFixed(1), 'conv', (t2 - t1).toFixed(1)); c.dispose(); y.dispose();
}
process.exit(0);
