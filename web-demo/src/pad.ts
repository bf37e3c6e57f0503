/**
 * The drawing pad: pointer events (mouse, pen, touch) draw thick round strokes. Strokes are kept
 * as points in a fixed 280×280 logical space and rendered twice: on screen at devicePixelRatio
 * for sharp lines, and into a fixed-size offscreen canvas that the model reads — so what the
 * model sees does not depend on the screen.
 */

/** Side of the logical drawing space and of the canvas the model input is read from. */
export const PAD_SIZE = 280;
/** Stroke width in logical pixels: after the MNIST fit this is about MNIST's 2–3 px pen. */
export const STROKE_WIDTH = 22;

type Point = [x: number, y: number];

export interface PadEvents {
  /** The drawing changed (a point was added, a stroke undone, cleared, an image loaded). */
  onChange(): void;
  /** A stroke ended (pointer up / cancel). */
  onStrokeEnd(): void;
}

export class DrawingPad {
  private readonly strokes: Point[][] = [];
  private current: Point[] | null = null;
  private image: CanvasImageSource | null = null;
  private imageSize: [number, number] = [0, 0];
  /** The fixed-size canvas the model input is read from: dark ink on white paper. */
  readonly work: HTMLCanvasElement;
  private readonly workCtx: CanvasRenderingContext2D;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly events: PadEvents,
  ) {
    this.work = document.createElement('canvas');
    this.work.width = this.work.height = PAD_SIZE;
    const ctx = this.work.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('this browser has no 2D canvas; use a current Chrome, Firefox or Safari');
    this.workCtx = ctx;
    canvas.style.touchAction = 'none';
    canvas.addEventListener('pointerdown', (e) => this.down(e));
    canvas.addEventListener('pointermove', (e) => this.move(e));
    canvas.addEventListener('pointerup', (e) => this.up(e));
    canvas.addEventListener('pointercancel', (e) => this.up(e));
    new ResizeObserver(() => this.resize()).observe(canvas);
    this.watchPixelRatio();
    this.resize();
  }

  /** Re-renders at the new devicePixelRatio when the page moves to another screen or is zoomed. */
  private watchPixelRatio(): void {
    matchMedia(`(resolution: ${devicePixelRatio}dppx)`).addEventListener(
      'change',
      () => {
        this.resize();
        this.watchPixelRatio();
      },
      { once: true },
    );
  }

  /** True when nothing is drawn and no image is loaded. */
  get empty(): boolean {
    return this.strokes.length === 0 && this.current === null && this.image === null;
  }

  /** Removes every stroke and the loaded image. */
  clear(): void {
    this.strokes.length = 0;
    this.current = null;
    this.image = null;
    this.changed();
  }

  /** Removes the last stroke (or, with no strokes left, the loaded image). */
  undo(): void {
    if (this.strokes.pop() === undefined) this.image = null;
    this.changed();
  }

  /** Replaces the drawing with an image, fitted inside the pad on white paper. */
  setImage(image: CanvasImageSource, width: number, height: number): void {
    this.strokes.length = 0;
    this.current = null;
    this.image = image;
    this.imageSize = [width, height];
    this.changed();
  }

  /** The model-facing pixels: 8-bit grayscale of the work canvas (0 = ink, 255 = paper). */
  grayPixels(): { width: number; height: number; pixels: Uint8Array } {
    const { data } = this.workCtx.getImageData(0, 0, PAD_SIZE, PAD_SIZE);
    const pixels = new Uint8Array(PAD_SIZE * PAD_SIZE);
    // The work canvas is opaque gray (R = G = B), so any channel is the gray level.
    for (let i = 0; i < pixels.length; i++) pixels[i] = data[i * 4]!;
    return { width: PAD_SIZE, height: PAD_SIZE, pixels };
  }

  private changed(): void {
    this.paint(this.workCtx, 1, '#000000', '#ffffff');
    this.repaintScreen();
    this.events.onChange();
  }

  private repaintScreen(): void {
    const ctx = this.canvas.getContext('2d');
    if (ctx) this.paint(ctx, this.canvas.width / PAD_SIZE, '#1d2433', '#ffffff');
  }

  private resize(): void {
    const rect = this.canvas.getBoundingClientRect();
    const side = Math.max(1, Math.round((rect.width || PAD_SIZE) * devicePixelRatio));
    if (this.canvas.width !== side || this.canvas.height !== side) {
      this.canvas.width = this.canvas.height = side;
      this.repaintScreen();
    }
  }

  private paint(ctx: CanvasRenderingContext2D, scale: number, ink: string, paper: string): void {
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = paper;
    ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    ctx.setTransform(scale, 0, 0, scale, 0, 0);
    if (this.image) {
      const [w, h] = this.imageSize;
      const s = Math.min(PAD_SIZE / w, PAD_SIZE / h);
      ctx.drawImage(this.image, (PAD_SIZE - w * s) / 2, (PAD_SIZE - h * s) / 2, w * s, h * s);
    }
    ctx.strokeStyle = ink;
    ctx.fillStyle = ink;
    ctx.lineWidth = STROKE_WIDTH;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    for (const stroke of this.current ? [...this.strokes, this.current] : this.strokes) {
      const [first, ...rest] = stroke;
      if (!first) continue;
      if (rest.length === 0) {
        ctx.beginPath();
        ctx.arc(first[0], first[1], STROKE_WIDTH / 2, 0, Math.PI * 2);
        ctx.fill();
        continue;
      }
      ctx.beginPath();
      ctx.moveTo(first[0], first[1]);
      for (const [x, y] of rest) ctx.lineTo(x, y);
      ctx.stroke();
    }
  }

  private point(e: PointerEvent): Point {
    const rect = this.canvas.getBoundingClientRect();
    return [((e.clientX - rect.left) / rect.width) * PAD_SIZE, ((e.clientY - rect.top) / rect.height) * PAD_SIZE];
  }

  private down(e: PointerEvent): void {
    if (e.button !== 0 && e.pointerType === 'mouse') return;
    e.preventDefault();
    this.canvas.setPointerCapture(e.pointerId);
    this.current = [this.point(e)];
    this.changed();
  }

  private move(e: PointerEvent): void {
    if (!this.current) return;
    e.preventDefault();
    // Coalesced events keep fast pen strokes smooth.
    const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
    for (const ev of events.length ? events : [e]) this.current.push(this.point(ev));
    this.changed();
  }

  private up(e: PointerEvent): void {
    if (!this.current) return;
    if (this.canvas.hasPointerCapture(e.pointerId)) this.canvas.releasePointerCapture(e.pointerId);
    this.strokes.push(this.current);
    this.current = null;
    this.changed();
    this.events.onStrokeEnd();
  }
}
