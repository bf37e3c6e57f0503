/**
 * Epoch-level training controls as small state machines over the validation loss: keeping the
 * best epoch, ReduceLROnPlateau and early stopping; and the cosine learning-rate schedule. Pure
 * logic, serialisable for checkpoints.
 */

export interface PlateauState {
  best: number;
  bestEpoch: number;
  /** Epochs since the LR was last reduced or the loss last improved. */
  waitLr: number;
  /** Epochs since the loss last improved (for early stopping). */
  waitStop: number;
}

export function initialPlateauState(): PlateauState {
  return { best: Number.POSITIVE_INFINITY, bestEpoch: -1, waitLr: 0, waitStop: 0 };
}

export interface EpochDecision {
  improved: boolean;
  /** The learning rate to use from the next epoch on. */
  learningRate: number;
  stop: boolean;
  reason?: string;
}

/**
 * Feeds one epoch's validation loss; says whether it is the best so far, the next learning rate
 * (ReduceLROnPlateau) and whether to stop (early stopping). Mutates and returns `state`.
 */
export function onEpochEnd(
  state: PlateauState,
  epoch: number,
  valLoss: number,
  learningRate: number,
  cfg: { reduceLrOnPlateau?: { factor: number; patience: number; minLr?: number }; earlyStopping?: { patience: number; minDelta?: number } },
): EpochDecision {
  const minDelta = cfg.earlyStopping?.minDelta ?? 0;
  const improved = valLoss < state.best - minDelta;
  let lr = learningRate;
  let reason: string | undefined;
  if (improved) {
    state.best = valLoss;
    state.bestEpoch = epoch;
    state.waitLr = 0;
    state.waitStop = 0;
  } else {
    state.waitLr++;
    state.waitStop++;
    const r = cfg.reduceLrOnPlateau;
    if (r && state.waitLr >= r.patience) {
      const next = Math.max(r.minLr ?? 0, lr * r.factor);
      if (next < lr) reason = `val loss has not improved for ${state.waitLr} epochs: learning rate ${lr.toExponential(2)} → ${next.toExponential(2)}`;
      lr = next;
      state.waitLr = 0;
    }
  }
  const stop = !!cfg.earlyStopping && state.waitStop >= cfg.earlyStopping.patience;
  if (stop) reason = `early stopping: val loss has not improved for ${state.waitStop} epochs (best ${state.best.toFixed(4)} at epoch ${state.bestEpoch + 1})`;
  return { improved, learningRate: lr, stop, ...(reason ? { reason } : {}) };
}

/**
 * The learning rate of 0-based `epoch` of `epochs` under a half-cosine decay from `initial` to
 * `min`: `initial` at the first epoch, `min` at the last, symmetric in between.
 */
export function cosineLearningRate(epoch: number, epochs: number, initial: number, min: number): number {
  if (!(min >= 0 && min <= initial)) {
    throw new Error(`train.cosineDecay.minLearningRate must be between 0 and the optimizer's learning rate ${initial}, got ${min}`);
  }
  if (epochs <= 1) return initial;
  const t = Math.min(1, Math.max(0, epoch / (epochs - 1)));
  return min + (initial - min) * 0.5 * (1 + Math.cos(Math.PI * t));
}
