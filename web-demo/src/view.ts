/** Rendering the results: top-5 probability bars, the top label, latency, and the 28×28 preview. */

export interface Ranked {
  label: string;
  probability: number;
}

/** The top `k` of a probability vector, best first, labelled (index when a label is missing). */
export function topK(probabilities: ArrayLike<number>, labels: string[], k = 5): Ranked[] {
  return Array.from(probabilities, (p, i) => ({ label: labels[i] ?? String(i), probability: p }))
    .sort((a, b) => b.probability - a.probability)
    .slice(0, k);
}

function percent(p: number): string {
  return p >= 0.995 ? '100%' : p < 0.001 ? '<0.1%' : `${(p * 100).toFixed(p < 0.1 ? 1 : 0)}%`;
}

/** Fills a results column: the winner's label and probability, and one bar per entry (the winner highlighted). */
export function renderPredictions(column: { top: HTMLElement; topProb: HTMLElement; list: HTMLElement }, ranked: Ranked[]): void {
  const [best] = ranked;
  column.top.textContent = best?.label ?? '';
  column.topProb.textContent = best ? percent(best.probability) : '';
  column.list.replaceChildren(
    ...ranked.map((r, i) => {
      const li = document.createElement('li');
      li.className = i === 0 ? 'bar winner' : 'bar';
      li.dataset.label = r.label;
      li.dataset.probability = String(r.probability);
      const label = document.createElement('span');
      label.className = 'bar-label';
      label.textContent = r.label;
      const track = document.createElement('span');
      track.className = 'bar-track';
      const fill = document.createElement('span');
      fill.className = 'bar-fill';
      fill.style.width = `${Math.max(0.5, r.probability * 100).toFixed(1)}%`;
      track.append(fill);
      const value = document.createElement('span');
      value.className = 'bar-value';
      value.textContent = percent(r.probability);
      li.append(label, track, value);
      return li;
    }),
  );
}

/** Draws a [H, W, C] tensor in 0..1 (first channel) as a grayscale image on a canvas of that size. */
export function renderPreview(canvas: HTMLCanvasElement, tensor: Float32Array | null, size: [number, number, number]): void {
  const [h, w, c] = size;
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const img = ctx.createImageData(w, h);
  for (let i = 0; i < w * h; i++) {
    const v = tensor ? Math.round(Math.min(1, Math.max(0, tensor[i * c]!)) * 255) : 0;
    img.data.set([v, v, v, 255], i * 4);
  }
  ctx.putImageData(img, 0, 0);
}
