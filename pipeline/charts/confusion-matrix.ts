/** The confusion-matrix picture: counts as a heat map, true class by row, predicted by column. */
import { createCanvas } from '@napi-rs/canvas';
import { FONT } from './draw.ts';

/** Renders a confusion matrix (rows = true class) as a PNG with counts in every non-empty cell. */
export function confusionMatrixPng(title: string, labels: string[], matrix: number[][]): Uint8Array {
  const k = labels.length;
  const cell = Math.max(14, Math.min(48, Math.floor(640 / k)));
  const left = 70;
  const top = 70;
  const size = cell * k;
  const canvas = createCanvas(left + size + 30, top + size + 50);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = '#111827';
  ctx.font = `bold 16px ${FONT}`;
  ctx.fillText(title, left, 24);
  ctx.font = `13px ${FONT}`;
  ctx.fillText('predicted →', left, 50);
  ctx.save();
  ctx.translate(18, top + size / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.fillText('true →', 0, 0);
  ctx.restore();
  const rowTotals = matrix.map((r) => r.reduce((a, b) => a + b, 0));
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  const fontPx = Math.max(8, Math.min(13, Math.floor(cell / 3)));
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const v = matrix[i]![j]!;
      const frac = rowTotals[i]! ? v / rowTotals[i]! : 0;
      const diag = i === j;
      const shade = Math.round(255 - frac * 200);
      ctx.fillStyle = v === 0 ? '#f9fafb' : diag ? `rgb(${shade - 40 < 0 ? 0 : shade - 40}, ${shade}, ${255})` : `rgb(255, ${shade}, ${shade})`;
      ctx.fillRect(left + j * cell, top + i * cell, cell - 1, cell - 1);
      if (v > 0) {
        ctx.fillStyle = frac > 0.6 ? '#ffffff' : '#111827';
        ctx.font = `${fontPx}px ${FONT}`;
        ctx.fillText(String(v), left + j * cell + cell / 2, top + i * cell + cell / 2);
      }
    }
    ctx.fillStyle = '#111827';
    ctx.font = `${fontPx + 1}px ${FONT}`;
    ctx.fillText(labels[i]!, left - 14, top + i * cell + cell / 2);
    ctx.fillText(labels[i]!, left + i * cell + cell / 2, top - 10);
  }
  return canvas.toBuffer('image/png');
}
