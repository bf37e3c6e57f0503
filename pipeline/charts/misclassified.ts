/**
 * The misclassified-samples picture: a contact sheet of the held-out images a model got wrong,
 * each captioned with its index in the split, the true class and the predicted class with the
 * model's confidence — where a confusion matrix says how often, this shows what.
 */
import { createCanvas } from '@napi-rs/canvas';
import { FONT } from './draw.ts';

export interface MisclassifiedSample {
  /** Index of the sample in its split. */
  index: number;
  truth: number;
  predicted: number;
  /** The model's probability for `predicted`. */
  confidence: number;
  /** The sample's pixels, H×W×C uint8 as stored. */
  pixels: Uint8Array;
}

export interface MisclassifiedSheet {
  title: string;
  labels: readonly string[];
  /** [height, width, channels]; channels 1 (grey) or 3 (RGB). */
  shape: readonly [number, number, number];
  /** 'white-on-black' images are shown inverted, ink dark on white, as people read them. */
  polarity: 'white-on-black' | 'black-on-white';
  samples: readonly MisclassifiedSample[];
  /** How many samples were wrong in all (the sheet may show fewer). */
  totalWrong: number;
}

const COLUMNS = 10;
const CAPTION = 30;

/** Renders the sheet as a PNG: at most the samples given, in order, ten to a row. */
export function misclassifiedPng(sheet: MisclassifiedSheet): Uint8Array {
  const [h, w, c] = sheet.shape;
  if (c !== 1 && c !== 3) throw new Error(`misclassifiedPng draws grey or RGB images, not ${c} channels`);
  const scale = Math.max(1, Math.floor(84 / Math.max(h, w)));
  const tileW = Math.max(w * scale, 84);
  const tileH = h * scale + CAPTION;
  const rows = Math.max(1, Math.ceil(sheet.samples.length / COLUMNS));
  const top = 56;
  const canvas = createCanvas(12 + COLUMNS * (tileW + 8), top + rows * (tileH + 8) + 8);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = '#111827';
  ctx.font = `bold 16px ${FONT}`;
  ctx.fillText(sheet.title, 12, 24);
  ctx.font = `13px ${FONT}`;
  const shown = sheet.samples.length < sheet.totalWrong ? `the first ${sheet.samples.length} of ${sheet.totalWrong}` : `all ${sheet.totalWrong}`;
  ctx.fillText(sheet.totalWrong ? `${shown} wrong, by index; caption: #index  true → predicted (confidence)` : 'no sample was misclassified', 12, 44);

  const invert = sheet.polarity === 'white-on-black';
  const tile = createCanvas(w, h);
  const tctx = tile.getContext('2d');
  sheet.samples.forEach((s, k) => {
    const x = 12 + (k % COLUMNS) * (tileW + 8);
    const y = top + Math.floor(k / COLUMNS) * (tileH + 8);
    const img = tctx.createImageData(w, h);
    for (let p = 0; p < h * w; p++) {
      for (let ch = 0; ch < 3; ch++) {
        const v = s.pixels[p * c + (c === 1 ? 0 : ch)]!;
        img.data[p * 4 + ch] = invert ? 255 - v : v;
      }
      img.data[p * 4 + 3] = 255;
    }
    tctx.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(tile, x + (tileW - w * scale) / 2, y, w * scale, h * scale);
    ctx.strokeStyle = '#d1d5db';
    ctx.strokeRect(x + (tileW - w * scale) / 2 - 0.5, y - 0.5, w * scale + 1, h * scale + 1);
    ctx.font = `11px ${FONT}`;
    ctx.fillStyle = '#374151';
    ctx.fillText(`#${s.index}`, x, y + h * scale + 12);
    ctx.fillStyle = '#b91c1c';
    ctx.fillText(`${sheet.labels[s.truth] ?? s.truth} → ${sheet.labels[s.predicted] ?? s.predicted} (${Math.round(s.confidence * 100)}%)`, x, y + h * scale + 25, tileW);
  });
  return canvas.toBuffer('image/png');
}
