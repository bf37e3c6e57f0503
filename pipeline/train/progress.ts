/** A per-epoch progress bar (samples, samples/s, loss, accuracy, ETA) for training. */
import cliProgress from 'cli-progress';

export interface EpochProgress {
  update(samplesDone: number, loss: number, acc: number): void;
  stop(): void;
}

/** Starts a bar for one epoch; renders only on a TTY (CI logs get the per-epoch summary line instead). */
export function epochProgress(epoch: number, epochs: number, totalSamples: number): EpochProgress {
  const started = performance.now();
  const bar = new cliProgress.SingleBar(
    {
      format: `epoch ${epoch}/${epochs} {bar} {value}/{total} samples | {rate} samples/s | loss {loss} acc {acc} | ETA {eta_formatted}`,
      barsize: 24,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(totalSamples, 0, { rate: '-', loss: '-', acc: '-' });
  return {
    update(done, loss, acc) {
      const secs = (performance.now() - started) / 1000;
      bar.update(done, { rate: secs > 0 ? Math.round(done / secs) : '-', loss: loss.toFixed(4), acc: `${(acc * 100).toFixed(2)}%` });
    },
    stop() {
      bar.stop();
    },
  };
}
