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
  /** Validation loss and accuracy of every output, for models with several (the first is valLoss/valAcc). */
  valHeads?: { name: string; loss: number; acc: number; sequenceAcc?: number }[];
}
