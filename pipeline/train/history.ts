/** One epoch of training, as saved in history.json and drawn in the curves. */
export interface EpochRecord {
  epoch: number;
  loss: number;
  acc: number;
  valLoss: number;
  valAcc: number;
  learningRate: number;
  seconds: number;
  samplesPerSec: number;
  /**
   * With several or weighted outputs `loss` is the primary output's own training cross-entropy (the
   * scale of valLoss) and this is the weighted total that training minimised.
   */
  totalLoss?: number;
  /** Validation loss and accuracy of every output, for models with several or a sequence output (the first is valLoss/valAcc). */
  valHeads?: { name: string; loss: number; acc: number; sequenceAcc?: number }[];
}
