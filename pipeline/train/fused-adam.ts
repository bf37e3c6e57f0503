/**
 * Adam with one fused kernel call per variable where the active backend has one
 * (OnnxlineAdamUpdate: onnxline's wasm kernels), and tfjs's own update everywhere else. Same
 * state (m, v, β1ᵗ, β2ᵗ, iterations) and weights as tf.train.adam, so checkpoints and
 * getWeights/setWeights are interchangeable with it.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensor, NamedVariableMap } from '@tensorflow/tfjs-core/dist/tensor_types.js';
import { ADAM_UPDATE_KERNEL } from '../kernels/wasm/AdamUpdate.ts';

interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
  incrementIterations(): void;
}

/** tf.train.adam's optimizer, with the per-variable update fused into one kernel where available. */
export class FusedAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: NamedVariableMap | NamedTensor[]): void {
    if (!tf.getKernel(ADAM_UPDATE_KERNEL, tf.getBackend())) {
      super.applyGradients(variableGradients);
      return;
    }
    const self = this as unknown as AdamState;
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    // β1ᵗ and β2ᵗ of this step (tfjs keeps them in scalar variables, starting at β1 and β2).
    const accBeta1 = self.accBeta1.dataSync()[0]!;
    const accBeta2 = self.accBeta2.dataSync()[0]!;
    tf.tidy(() => {
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name]!;
        self.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        self.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        const gradient = Array.isArray(variableGradients) ? variableGradients[i]!.tensor : variableGradients[name];
        if (gradient == null) return;
        const m = self.accumulatedFirstMoment[i]!.variable;
        const v = self.accumulatedSecondMoment[i]!.variable;
        const attrs = { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, learningRate: this.learningRate, accBeta1, accBeta2 };
        const [w1, m1, v1] = tf.engine().runKernel(ADAM_UPDATE_KERNEL, { value, gradient, m, v }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
        m.assign(m1!);
        v.assign(v1!);
        value.assign(w1!);
      });
      self.accBeta1.assign(tf.mul(self.accBeta1, this.beta1));
      self.accBeta2.assign(tf.mul(self.accBeta2, this.beta2));
    });
    self.incrementIterations();
  }
}

/** An Adam optimizer with tfjs's defaults (β1 0.9, β2 0.999, ε from the backend), fused where possible. */
export function fusedAdam(learningRate: number, beta1 = 0.9, beta2 = 0.999, epsilon?: number): tf.Optimizer {
  return new FusedAdamOptimizer(learningRate, beta1, beta2, epsilon);
}
