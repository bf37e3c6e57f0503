import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../register-wasm.ts';

await tf.setBackend('wasm');
if (process.argv[2] !== 'none') console.log(registerWasmTrainingKernels());
const missing = new Set<string>();
const origRun = tf.engine().runKernel.bind(tf.engine());
type M = () => { model: tfl.LayersModel; x: tf.Tensor; y: tf.Tensor; loss: string };
const img = (s: number[]) => tf.randomUniform(s);
const cls = (n: number, k: number) => tf.oneHot(tf.randomUniform([n], 0, k, 'int32') as tf.Tensor1D, k);
const models: Record<string, M> = {
  dense: () => { const m = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [8], units: 16, activation: 'relu', kernelRegularizer: tfl.regularizers.l2({ l2: 1e-3 }) }), tfl.layers.dropout({ rate: 0.3 }), tfl.layers.dense({ units: 3, activation: 'softmax' })] }); return { model: m, x: img([4, 8]), y: cls(4, 3), loss: 'categoricalCrossentropy' }; },
  cnn: () => { const m = tfl.sequential({ layers: [tfl.layers.conv2d({ inputShape: [12, 12, 2], filters: 4, kernelSize: 3, activation: 'relu', padding: 'same' }), tfl.layers.maxPooling2d({ poolSize: 2 }), tfl.layers.conv2d({ filters: 5, kernelSize: 3, strides: 2 }), tfl.layers.averagePooling2d({ poolSize: 2 }), tfl.layers.batchNormalization(), tfl.layers.flatten(), tfl.layers.dense({ units: 3, activation: 'softmax' })] }); return { model: m, x: img([4, 12, 12, 2]), y: cls(4, 3), loss: 'categoricalCrossentropy' }; },
  conv1d: () => { const m = tfl.sequential({ layers: [tfl.layers.conv1d({ inputShape: [10, 3], filters: 4, kernelSize: 3, activation: 'relu' }), tfl.layers.globalAveragePooling1d(), tfl.layers.dense({ units: 2, activation: 'softmax' })] }); return { model: m, x: img([4, 10, 3]), y: cls(4, 2), loss: 'categoricalCrossentropy' }; },
  depthwise: () => { const m = tfl.sequential({ layers: [tfl.layers.depthwiseConv2d({ inputShape: [9, 9, 3], kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same' }), tfl.layers.separableConv2d({ filters: 4, kernelSize: 3 }), tfl.layers.globalMaxPooling2d({}), tfl.layers.dense({ units: 2, activation: 'softmax' })] }); return { model: m, x: img([2, 9, 9, 3]), y: cls(2, 2), loss: 'categoricalCrossentropy' }; },
  conv2dT: () => { const m = tfl.sequential({ layers: [tfl.layers.conv2dTranspose({ inputShape: [5, 5, 3], filters: 2, kernelSize: 3, strides: 2, padding: 'same' }), tfl.layers.flatten(), tfl.layers.dense({ units: 1 })] }); return { model: m, x: img([2, 5, 5, 3]), y: img([2, 1]), loss: 'meanSquaredError' }; },
  simpleRnn: () => { const m = tfl.sequential({ layers: [tfl.layers.simpleRNN({ inputShape: [5, 3], units: 4 }), tfl.layers.dense({ units: 2, activation: 'softmax' })] }); return { model: m, x: img([3, 5, 3]), y: cls(3, 2), loss: 'categoricalCrossentropy' }; },
  lstm: () => { const m = tfl.sequential({ layers: [tfl.layers.lstm({ inputShape: [5, 3], units: 4, returnSequences: true }), tfl.layers.lstm({ units: 3 }), tfl.layers.dense({ units: 2, activation: 'softmax' })] }); return { model: m, x: img([3, 5, 3]), y: cls(3, 2), loss: 'categoricalCrossentropy' }; },
  gru: () => { const m = tfl.sequential({ layers: [tfl.layers.gru({ inputShape: [5, 3], units: 4 }), tfl.layers.dense({ units: 2, activation: 'softmax' })] }); return { model: m, x: img([3, 5, 3]), y: cls(3, 2), loss: 'categoricalCrossentropy' }; },
  embedding: () => { const m = tfl.sequential({ layers: [tfl.layers.embedding({ inputDim: 20, outputDim: 4, inputLength: 6 }), tfl.layers.flatten(), tfl.layers.dense({ units: 2, activation: 'softmax' })] }); return { model: m, x: tf.randomUniform([3, 6], 0, 20, 'int32').cast('float32'), y: cls(3, 2), loss: 'categoricalCrossentropy' }; },
  sparse: () => { const m = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 3, activation: 'softmax' })] }); return { model: m, x: img([4, 4]), y: tf.tensor1d([0, 1, 2, 1]), loss: 'sparseCategoricalCrossentropy' }; },
};
const opts: Record<string, () => tf.Optimizer> = { adam: () => tf.train.adam(1e-3), sgd: () => tf.train.sgd(0.1), rmsprop: () => tf.train.rmsprop(1e-3), momentum: () => tf.train.momentum(0.1, 0.9), adagrad: () => tf.train.adagrad(0.1), adadelta: () => tf.train.adadelta() , adamax: () => tf.train.adamax()};
for (const [name, mk] of Object.entries(models)) {
  for (const [oname, opt] of Object.entries(opts)) {
    const { model, x, y, loss } = mk();
    model.compile({ optimizer: opt(), loss, metrics: ['accuracy'] });
    try { const h = await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 }); if (oname === 'adam') console.log('OK', name, oname, h.history.loss); }
    catch (e) { console.log("FAIL", name, oname, (e as Error).stack?.slice(0, 900)); }
  }
}
// clipping
{
  const w = tf.variable(tf.randomNormal([4, 3]));
  const x = tf.randomNormal([5, 4]);
  try {
    const { grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d([0,1,2,0,1],'int32'),3), x.matMul(w)) as tf.Scalar);
    const g = grads[w.name]!;
    const c1 = tf.clipByValue(g, -0.1, 0.1);
    const norm = tf.sqrt(tf.addN(Object.values(grads).map(t => tf.sum(tf.square(t)))));
    const c2 = g.mul(tf.minimum(tf.scalar(1), tf.scalar(0.5).div(norm)));
    console.log('OK clip', c1.shape, c2.shape, norm.dataSync()[0]);
  } catch (e) { console.log('FAIL clip', (e as Error).message); }
}
