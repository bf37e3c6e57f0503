/** The training-curves picture: loss and accuracy per epoch, train vs validation, best epoch marked. */
import { createCanvas } from '@napi-rs/canvas';
import { COLORS, lineChart } from './draw.ts';
import type { EpochRecord } from '../train/history.ts';

/** Renders `history` as a PNG (loss panel above, accuracy panel below). */
export function trainingCurvesPng(title: string, history: EpochRecord[], bestEpoch: number): Uint8Array {
  const canvas = createCanvas(900, 640);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, 900, 640);
  ctx.fillStyle = COLORS.text;
  ctx.font = 'bold 17px "DejaVu Sans", sans-serif';
  ctx.fillText(title, 56, 24);
  lineChart(ctx, { x: 0, y: 30, w: 900, h: 300 }, 'loss', [
    { label: 'train', color: COLORS.train, values: history.map((h) => h.loss) },
    { label: 'validation', color: COLORS.validation, values: history.map((h) => h.valLoss) },
  ], { yMin: 0, marker: bestEpoch });
  lineChart(ctx, { x: 0, y: 335, w: 900, h: 300 }, 'accuracy', [
    { label: 'train', color: COLORS.train, values: history.map((h) => h.acc) },
    { label: 'validation', color: COLORS.validation, values: history.map((h) => h.valAcc) },
  ], { marker: bestEpoch });
  return canvas.toBuffer('image/png');
}
