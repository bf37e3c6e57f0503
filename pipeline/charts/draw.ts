/** Small drawing helpers shared by the PNG charts (axes, labels, colours) on @napi-rs/canvas. */
import type { SKRSContext2D } from '@napi-rs/canvas';

export const FONT = '"DejaVu Sans", "Liberation Sans", Arial, sans-serif';
export const COLORS = { train: '#2563eb', validation: '#ea580c', grid: '#e5e7eb', axis: '#374151', text: '#111827', best: '#16a34a' };

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Nice round tick values covering [min, max]. */
export function ticks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toFixed(10)));
  return out;
}

/** Draws a line chart of several series (x = epoch 1..n) into `box` with a title and a legend. */
export function lineChart(
  ctx: SKRSContext2D,
  box: Box,
  title: string,
  series: { label: string; color: string; values: number[] }[],
  opts: { yMin?: number; yMax?: number; marker?: number } = {},
): void {
  const all = series.flatMap((s) => s.values).filter((v) => Number.isFinite(v));
  const n = Math.max(1, ...series.map((s) => s.values.length));
  let yMin = opts.yMin ?? Math.min(...all);
  let yMax = opts.yMax ?? Math.max(...all);
  if (!Number.isFinite(yMin) || !Number.isFinite(yMax)) [yMin, yMax] = [0, 1];
  if (yMax - yMin < 1e-9) [yMin, yMax] = [yMin - 0.5, yMax + 0.5];
  const pad = { l: 56, r: 16, t: 32, b: 36 };
  const px = (i: number) => box.x + pad.l + (n === 1 ? 0 : (i / (n - 1)) * (box.w - pad.l - pad.r));
  const py = (v: number) => box.y + box.h - pad.b - ((v - yMin) / (yMax - yMin)) * (box.h - pad.t - pad.b);
  ctx.font = `bold 15px ${FONT}`;
  ctx.fillStyle = COLORS.text;
  ctx.textAlign = 'left';
  ctx.fillText(title, box.x + pad.l, box.y + 20);
  ctx.font = `12px ${FONT}`;
  for (const t of ticks(yMin, yMax)) {
    ctx.strokeStyle = COLORS.grid;
    ctx.beginPath();
    ctx.moveTo(px(0), py(t));
    ctx.lineTo(px(n - 1), py(t));
    ctx.stroke();
    ctx.fillStyle = COLORS.axis;
    ctx.textAlign = 'right';
    ctx.fillText(Math.abs(t) < 1e-3 && t !== 0 ? t.toExponential(1) : String(Number(t.toPrecision(4))), px(0) - 6, py(t) + 4);
  }
  ctx.textAlign = 'center';
  for (const t of ticks(1, n, Math.min(10, n))) {
    if (!Number.isInteger(t)) continue;
    ctx.fillText(String(t), px(t - 1), box.y + box.h - pad.b + 16);
  }
  ctx.fillText('epoch', box.x + box.w / 2, box.y + box.h - 4);
  if (opts.marker !== undefined && opts.marker >= 0) {
    ctx.strokeStyle = COLORS.best;
    ctx.setLineDash([4, 4]);
    ctx.beginPath();
    ctx.moveTo(px(opts.marker), py(yMin));
    ctx.lineTo(px(opts.marker), py(yMax));
    ctx.stroke();
    ctx.setLineDash([]);
    const lx = box.x + box.w - pad.r - 150;
    const ly = box.y + 14 + series.length * 16;
    ctx.fillStyle = COLORS.best;
    ctx.fillRect(lx, ly - 8, 14, 3);
    ctx.fillStyle = COLORS.text;
    ctx.textAlign = 'left';
    ctx.fillText('kept (best val loss)', lx + 20, ly - 3);
  }
  series.forEach((s, k) => {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    s.values.forEach((v, i) => (i === 0 ? ctx.moveTo(px(i), py(v)) : ctx.lineTo(px(i), py(v))));
    ctx.stroke();
    ctx.fillStyle = s.color;
    for (let i = 0; i < s.values.length; i++) {
      ctx.beginPath();
      ctx.arc(px(i), py(s.values[i]!), 2.5, 0, Math.PI * 2);
      ctx.fill();
    }
    ctx.lineWidth = 1;
    const lx = box.x + box.w - pad.r - 150;
    const ly = box.y + 14 + k * 16;
    ctx.fillRect(lx, ly - 8, 14, 3);
    ctx.fillStyle = COLORS.text;
    ctx.textAlign = 'left';
    ctx.fillText(s.label, lx + 20, ly - 3);
  });
}
