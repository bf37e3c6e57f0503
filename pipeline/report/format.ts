/** Number formatting shared by the Markdown and HTML renderings (fixed, locale-independent). */

/** 0.98634 → "98.63%". */
export function pct(fraction: number): string {
  return `${(fraction * 100).toFixed(2)}%`;
}

/** A fraction with an optional std, in percent: "83.31%" or "82.20% ± 1.10". */
export function pctStd(mean: number, std: number | null | undefined): string {
  return std == null ? pct(mean) : `${pct(mean)} ± ${(std * 100).toFixed(2)}`;
}

/** A difference of fractions in percentage points, signed: "+0.52 pts", "−1.20 pts". */
export function points(diff: number): string {
  const v = Math.round(diff * 10000) / 100;
  return `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(v).toFixed(2)} pts`;
}

/** 871210 → "871,210". */
export function int(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Seconds as "42 s", "15.0 min" or "1.25 h". */
export function duration(seconds: number): string {
  if (seconds < 120) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  if (seconds < 2 * 3600) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(2)} h`;
}

/** 1.8e-6 → "1.8e-6". */
export function sci(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  if (x === 0) return '0';
  const [m, e] = x.toExponential(1).split('e');
  return `${m}e${Number(e)}`;
}
