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
}
