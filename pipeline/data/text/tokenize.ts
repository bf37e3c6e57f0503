/**
 * Tokenisers for the text datasets: text → uint16 token ids of a fixed length. Id 0 is padding,
 * 1 is an unknown token; real tokens start at 2.
 *
 * - char level: the text lowercased; printable ASCII (32..126) maps to 2 + (code − 32), anything
 *   else to unknown. The vocabulary is fixed: {@link CHAR_VOCAB_SIZE} ids.
 * - word level: lowercased words (runs of letters, digits, `+` and `#`, joined by inner `.`, `-`
 *   or `_`: "node.js", "c++", "gtk-3"); the vocabulary is the most frequent N words of the
 *   training texts (ties alphabetically), ids 2..N+1 in that order; other words are unknown.
 *
 * Sequences are fitted to the length by padding at the front (so a recurrent layer reads the
 * text last, right before its final state is used) and truncating at the end (the start of a
 * description says the most).
 */

export const PAD_ID = 0;
export const UNKNOWN_ID = 1;
export const FIRST_TOKEN_ID = 2;
/** Char level: padding, unknown and the 95 printable ASCII characters. */
export const CHAR_VOCAB_SIZE = FIRST_TOKEN_ID + 95;

export type TokenLevel = 'char' | 'word';

/** Char-level ids of `text` (no padding). */
export function charIds(text: string): number[] {
  const ids: number[] = [];
  for (const ch of text.toLowerCase()) {
    const code = ch.codePointAt(0)!;
    ids.push(code >= 32 && code <= 126 ? FIRST_TOKEN_ID + code - 32 : UNKNOWN_ID);
  }
  return ids;
}

const WORD = /[\p{L}\p{N}+#]+(?:[._-][\p{L}\p{N}+#]+)*/gu;

/** The lowercased words of `text`. */
export function words(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** A word vocabulary: word → id (2..size+1). */
export type WordVocabulary = ReadonlyMap<string, number>;

/** The `size` most frequent words of `texts` (ties alphabetically) with ids 2, 3, … in that order. */
export function buildWordVocabulary(texts: Iterable<string>, size: number): WordVocabulary {
  if (!Number.isInteger(size) || size < 1 || size + FIRST_TOKEN_ID > 65536) throw new Error(`word vocabulary size must be an integer in 1..${65536 - FIRST_TOKEN_ID}, got ${size}`);
  const counts = new Map<string, number>();
  for (const t of texts) for (const w of words(t)) counts.set(w, (counts.get(w) ?? 0) + 1);
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, size);
  return new Map(ranked.map(([w], i) => [w, FIRST_TOKEN_ID + i]));
}

/** Word-level ids of `text` under `vocab` (no padding). */
export function wordIds(text: string, vocab: WordVocabulary): number[] {
  return words(text).map((w) => vocab.get(w) ?? UNKNOWN_ID);
}

/** `ids` fitted to `length`: padded with {@link PAD_ID} at the front, or cut at the end. */
export function fitLength(ids: readonly number[], length: number, out: Uint16Array = new Uint16Array(length), offset = 0): Uint16Array {
  const n = Math.min(ids.length, length);
  const start = offset + length - n;
  out.fill(PAD_ID, offset, start);
  for (let i = 0; i < n; i++) out[start + i] = ids[i]!;
  return out;
}

/** Embedding input size of a level: the ids a model must accept (padding and unknown included). */
export function tokenVocabularySize(level: TokenLevel, wordVocabulary: number): number {
  return level === 'char' ? CHAR_VOCAB_SIZE : FIRST_TOKEN_ID + wordVocabulary;
}

/** Percentiles (e.g. [50, 90, 99]) of the token counts of `texts` at `level`, before fitting. */
export function lengthPercentiles(texts: readonly string[], level: TokenLevel, percentiles: readonly number[]): number[] {
  const lengths = texts.map((t) => (level === 'char' ? t.length : words(t).length)).sort((a, b) => a - b);
  return percentiles.map((p) => lengths[Math.min(lengths.length - 1, Math.floor((lengths.length * p) / 100))] ?? 0);
}
