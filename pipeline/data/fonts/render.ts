/**
 * Renders single letters of a registered font as white-on-black grayscale images (the MNIST
 * polarity the rest of pipeline/data uses). Each font gets one pixel size, chosen from the
 * bounding boxes of all 52 letters, so that lowercase letters stay smaller than capitals and
 * descenders stay below the baseline: a glyph is never scaled on its own to fill the image.
 * An optional seeded affine jitter (rotation, shear, scale, shift) varies each sample.
 */
import { GlobalFonts, createCanvas, type Canvas, type SKRSContext2D } from '@napi-rs/canvas';
import { seededRng } from '../rng.ts';
import type { FontInfo } from './fontsource.ts';

/** The 52 classes, in label order: 'A'..'Z' are 0..25, 'a'..'z' are 26..51. */
export const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** Class names of the glyph datasets (one letter each), index = label. */
export const LETTER_CLASS_NAMES: readonly string[] = [...LETTERS];

/** Per-sample affine jitter ranges; every draw is uniform within its range. */
export interface GlyphJitter {
  /** Rotation within ±rotationDeg degrees. */
  rotationDeg: number;
  /** Horizontal shear factor within ±shear. */
  shear: number;
  /** Scale factor within [scaleMin, scaleMax]. */
  scaleMin: number;
  scaleMax: number;
  /** Shift within ±shiftPx pixels in x and in y (at the output size). */
  shiftPx: number;
}

/** The default jitter: ±10°, shear ±0.15, scale 0.85–1.15, shift ±6 px. */
export const DEFAULT_JITTER: Readonly<GlyphJitter> = { rotationDeg: 10, shear: 0.15, scaleMin: 0.85, scaleMax: 1.15, shiftPx: 6 };
/** No jitter: the glyph upright, unscaled and centred. */
export const NO_JITTER: Readonly<GlyphJitter> = { rotationDeg: 0, shear: 0, scaleMin: 1, scaleMax: 1, shiftPx: 0 };

/** One font's size and vertical placement at an output size. */
export interface FontLayout {
  alias: string;
  /** Output side in pixels. */
  size: number;
  /** Font size in pixels. */
  px: number;
  /** Baseline y when the glyph is untransformed: the font's letter box (max ascent..max descent over all 52 letters) is centred vertically. */
  baseline: number;
}

/** Fraction of the image side the font's tallest letter span (or widest letter) fills before jitter. */
const FILL = 0.72;
const registered = new Map<string, string>();

/** The alias a font is registered under: `ol-<id>`. */
export const fontAlias = (id: string): string => `ol-${id}`;

/**
 * Registers `font`'s woff2 with @napi-rs/canvas under `ol-<id>` (once per process) and returns the
 * alias. Throws naming the file when canvas cannot load it (an unknown family would otherwise
 * silently fall back to a system font).
 */
export function registerFont(font: Pick<FontInfo, 'id' | 'path'>): string {
  const alias = fontAlias(font.id);
  if (registered.get(alias) === font.path) return alias;
  const key = GlobalFonts.registerFromPath(font.path, alias);
  if (key === null || !GlobalFonts.has(alias)) {
    throw new Error(`@napi-rs/canvas could not load the font file ${font.path} for ${font.id}; check that it is a valid woff2 (reinstall the @fontsource package)`);
  }
  registered.set(alias, font.path);
  return alias;
}

const canvases = new Map<number, { canvas: Canvas; ctx: SKRSContext2D }>();
function surface(side: number): SKRSContext2D {
  let s = canvases.get(side);
  if (!s) {
    const canvas = createCanvas(side, side);
    s = { canvas, ctx: canvas.getContext('2d') };
    canvases.set(side, s);
  }
  return s.ctx;
}

/** Ink extent of one letter at a font size, relative to its origin on the baseline (canvas measureText). */
export interface GlyphBox {
  left: number;
  right: number;
  ascent: number;
  descent: number;
}

/** Measures `ch` in `alias` at `px` pixels (actualBoundingBox*: positive = away from the origin). */
export function measureGlyph(alias: string, ch: string, px: number): GlyphBox {
  const ctx = surface(8);
  ctx.font = `${px}px "${alias}"`;
  const m = ctx.measureText(ch);
  return { left: m.actualBoundingBoxLeft, right: m.actualBoundingBoxRight, ascent: m.actualBoundingBoxAscent, descent: m.actualBoundingBoxDescent };
}

/**
 * Chooses a font's pixel size for a `size`×`size` image from all 52 letters' boxes: the span from
 * the highest ascent to the lowest descent, and the widest letter, fill at most 72% of the side.
 * The same size serves every letter, so case differences in size and position are kept.
 */
export function fontLayout(alias: string, size = 100): FontLayout {
  if (!Number.isInteger(size) || size < 8) throw new Error(`glyph size must be an integer ≥ 8, got ${size}`);
  const ref = 100;
  let ascent = 0, descent = 0, width = 0;
  for (const ch of LETTERS) {
    const b = measureGlyph(alias, ch, ref);
    ascent = Math.max(ascent, b.ascent);
    descent = Math.max(descent, b.descent);
    width = Math.max(width, b.left + b.right);
  }
  if (!(ascent + descent > 0) || !(width > 0)) throw new Error(`font ${alias} has no measurable letters; was it registered (registerFont)?`);
  const px = ref * Math.min((FILL * size) / (ascent + descent), (FILL * size) / width);
  const k = px / ref;
  return { alias, size, px, baseline: size / 2 + (k * (ascent - descent)) / 2 };
}

/** The jitter parameters drawn for one sample. */
export interface JitterDraw {
  rotation: number;
  shear: number;
  scale: number;
  dx: number;
  dy: number;
}

/** Draws one sample's jitter from `seed` (deterministic); NO_JITTER gives the identity. */
export function drawJitter(seed: number, jitter: Readonly<GlyphJitter> = DEFAULT_JITTER): JitterDraw {
  const r = seededRng(seed);
  const sym = (a: number) => (2 * r() - 1) * a;
  return {
    rotation: (sym(jitter.rotationDeg) * Math.PI) / 180,
    shear: sym(jitter.shear),
    scale: jitter.scaleMin + r() * (jitter.scaleMax - jitter.scaleMin),
    dx: sym(jitter.shiftPx),
    dy: sym(jitter.shiftPx),
  };
}

/** Options of {@link renderGlyph}. */
export interface RenderOptions {
  /** Per-sample seed for the jitter; omit (or pass jitter NO_JITTER) for the upright glyph. */
  seed?: number;
  jitter?: Readonly<GlyphJitter>;
}

/**
 * Renders letter `ch` with `layout` (from {@link fontLayout}) into a new layout.size² Uint8Array:
 * white ink (255) on black (0), like MNIST. The glyph's ink is centred horizontally, the font's
 * letter box vertically (so 'o' sits lower and is smaller than 'O'), then the seeded jitter is
 * applied about the image centre. Same (layout, ch, seed, jitter) → same bytes.
 */
export function renderGlyph(layout: FontLayout, ch: string, options: RenderOptions = {}): Uint8Array {
  const S = layout.size;
  const ctx = surface(S);
  const j = options.seed === undefined ? drawJitter(0, NO_JITTER) : drawJitter(options.seed, options.jitter ?? DEFAULT_JITTER);
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, S, S);
  ctx.font = `${layout.px}px "${layout.alias}"`;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
  const m = ctx.measureText(ch);
  const inkCentreX = (m.actualBoundingBoxRight - m.actualBoundingBoxLeft) / 2;
  ctx.translate(S / 2 + j.dx, S / 2 + j.dy);
  ctx.rotate(j.rotation);
  ctx.transform(1, 0, -j.shear, 1, 0, 0);
  ctx.scale(j.scale, j.scale);
  ctx.fillStyle = '#fff';
  ctx.fillText(ch, -inkCentreX, layout.baseline - S / 2);
  const rgba = ctx.getImageData(0, 0, S, S).data;
  const out = new Uint8Array(S * S);
  for (let i = 0; i < out.length; i++) out[i] = rgba[i * 4];
  return out;
}

/** Converts 0..255 pixels to 0..1 floats (what a model input gets). */
export function toUnitFloats(pixels: Uint8Array): Float32Array {
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = pixels[i] / 255;
  return out;
}

/** Ink bounding box of a square grayscale image (pixels > threshold), or null when blank. */
export function inkBox(pixels: Uint8Array, side: number, threshold = 64): { x0: number; y0: number; x1: number; y1: number; ink: number } | null {
  let x0 = side, y0 = side, x1 = -1, y1 = -1, ink = 0;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      if (pixels[y * side + x] > threshold) {
        ink++;
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return ink ? { x0, y0, x1, y1, ink } : null;
}
