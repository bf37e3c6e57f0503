/**
 * Render checks that keep a font out of the letter datasets when its glyphs would mislabel
 * samples: missing (blank) letters, lowercase that are capitals or small capitals (many display
 * fonts map all 52 code points, so only rendering shows it), and no descenders.
 */
import type { FontInfo } from './fontsource.ts';
import { LETTERS, inkBox, registerFont, renderGlyph, type FontLayout } from './render.ts';

/** The verdict on one font; `reason` is one line saying what is wrong with it. */
export type FontCheck = { ok: true } | { ok: false; reason: string };

/** Letters whose lowercase normally has a different shape from the capital. */
const CASE_LETTERS = 'ABDEGHNQRT';
/** Letters that normally descend below the baseline. */
const DESCENDERS = 'gjpqy';
const PX = 100;
const SIDE = 200;
const BASELINE = 140;
const NORM = 32;

/** Crops the ink box and resizes it (aspect kept, centred) to NORM×NORM, binarised at 0.5. */
function normalised(pixels: Uint8Array, box: NonNullable<ReturnType<typeof inkBox>>): Uint8Array {
  const w = box.x1 - box.x0 + 1, h = box.y1 - box.y0 + 1;
  const sc = Math.max(w, h) / NORM;
  const offX = (NORM - w / sc) / 2, offY = (NORM - h / sc) / 2;
  const out = new Uint8Array(NORM * NORM);
  for (let y = 0; y < NORM; y++) {
    for (let x = 0; x < NORM; x++) {
      const sx = Math.floor(box.x0 + (x - offX) * sc), sy = Math.floor(box.y0 + (y - offY) * sc);
      if (sx >= box.x0 && sx <= box.x1 && sy >= box.y0 && sy <= box.y1) out[y * NORM + x] = pixels[sy * SIDE + sx] > 127 ? 1 : 0;
    }
  }
  return out;
}

function iou(a: Uint8Array, b: Uint8Array): number {
  let inter = 0, union = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] && b[i]) inter++;
    if (a[i] || b[i]) union++;
  }
  return union ? inter / union : 1;
}

/**
 * Registers `font` as `ol-<id>` and renders all 52 letters upright at 100 px. Accepts the font
 * unless: it cannot be loaded; a letter is blank; the lowercase of A/B/D/E/G/H/N/Q/R/T look like
 * their capitals (IoU of box-normalised glyphs > 0.8 for at least 6 of the 10: "lowercase are the
 * capitals" when they are also as tall, else "lowercase are small capitals"); or fewer than 4 of
 * g/j/p/q/y reach below the baseline. Never throws: any failure becomes `{ ok: false, reason }`.
 */
export function checkFont(font: Pick<FontInfo, 'id' | 'path'>): FontCheck {
  try {
    const alias = registerFont(font);
    const layout: FontLayout = { alias, size: SIDE, px: PX, baseline: BASELINE };
    const glyphs = new Map<string, { pixels: Uint8Array; box: ReturnType<typeof inkBox> }>();
    for (const ch of LETTERS) {
      const pixels = renderGlyph(layout, ch);
      glyphs.set(ch, { pixels, box: inkBox(pixels, SIDE) });
    }
    const blank = [...LETTERS].filter((ch) => glyphs.get(ch)!.box === null);
    if (blank.length) return { ok: false, reason: `blank glyphs: ${blank.join('')}` };
    const box = (ch: string) => glyphs.get(ch)!.box!;
    const similar = [...CASE_LETTERS].filter((U) => {
      const u = U.toLowerCase();
      return iou(normalised(glyphs.get(U)!.pixels, box(U)), normalised(glyphs.get(u)!.pixels, box(u))) > 0.8;
    });
    if (similar.length >= 6) {
      const height = (ch: string) => box(ch).y1 - box(ch).y0 + 1;
      const ratio = height('x') / height('X');
      return ratio > 0.95
        ? { ok: false, reason: `lowercase are the capitals (capitals-only font: ${similar.join('')} match their capitals, x/X height ${ratio.toFixed(2)})` }
        : { ok: false, reason: `lowercase are small capitals (${similar.join('')} match their capitals, x/X height ${ratio.toFixed(2)})` };
    }
    const below = [...DESCENDERS].filter((ch) => box(ch).y1 > BASELINE + 0.1 * PX);
    if (below.length < 4) {
      return { ok: false, reason: `no descenders: only ${below.length} of ${DESCENDERS} (${below.join('') || 'none'}) reach below the baseline` };
    }
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: (e as Error).message.split('\n')[0] };
  }
}
