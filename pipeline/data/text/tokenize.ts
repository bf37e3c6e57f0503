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
 *
 * A {@link TokenizerSpec} (level, length, word list) is everything needed to tokenise new text
 * exactly as training did: the data stage writes it, the export stage puts it in the ONNX
 * metadata, and the server tokenises requests with {@link createTokenizer} — this module is the
 * only implementation, shared by training and serving.
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

/** The ONNX metadata_props key whose value is a model's {@link TokenizerSpec} as JSON. */
export const TOKENIZER_METADATA_KEY = 'onnxline.tokenizer';

/** Version of the {@link TokenizerSpec} JSON format; bumped when its meaning changes. */
export const TOKENIZER_FORMAT = 1;

/**
 * How to tokenise: level, fitted length and, at word level, the vocabulary's words in id order
 * (words[i] has id {@link FIRST_TOKEN_ID} + i). Plain JSON: it travels in data/tokenizer.json and
 * in the ONNX metadata key `onnxline.tokenizer`.
 */
export interface TokenizerSpec {
  format: typeof TOKENIZER_FORMAT;
  level: TokenLevel;
  length: number;
  /** Word level only: the vocabulary, in id order. */
  words?: string[];
}

/** The vocabulary's words in id order (the inverse of {@link buildWordVocabulary}'s map). */
export function vocabularyWords(vocab: WordVocabulary): string[] {
  const out: string[] = [];
  for (const [w, id] of vocab) out[id - FIRST_TOKEN_ID] = w;
  return out;
}

/** The spec of a tokeniser: char level, or word level with `vocab` (required there). */
export function tokenizerSpec(level: TokenLevel, length: number, vocab?: WordVocabulary): TokenizerSpec {
  if (level === 'word' && !vocab) throw new Error('a word-level tokenizer needs its vocabulary');
  return { format: TOKENIZER_FORMAT, level, length, ...(level === 'word' ? { words: vocabularyWords(vocab!) } : {}) };
}

/**
 * Checks untrusted JSON (a file, ONNX metadata) as a {@link TokenizerSpec}; throws an error saying
 * which field is wrong. `where` names the source in the message.
 */
export function parseTokenizerSpec(value: unknown, where = 'tokenizer'): TokenizerSpec {
  const bad = (why: string) => new Error(`${where}: ${why}`);
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw bad('is not a JSON object');
  const v = value as Record<string, unknown>;
  if (v.format !== TOKENIZER_FORMAT) throw bad(`format is ${JSON.stringify(v.format)}, this onnxline reads format ${TOKENIZER_FORMAT}`);
  if (v.level !== 'char' && v.level !== 'word') throw bad(`level must be "char" or "word", got ${JSON.stringify(v.level)}`);
  if (!Number.isInteger(v.length) || (v.length as number) < 1) throw bad(`length must be a positive integer, got ${JSON.stringify(v.length)}`);
  if (v.level === 'char') {
    if (v.words !== undefined) throw bad('a char-level tokenizer has no words');
    return { format: TOKENIZER_FORMAT, level: 'char', length: v.length as number };
  }
  const list = v.words;
  if (!Array.isArray(list) || list.length < 1 || list.length + FIRST_TOKEN_ID > 65536) throw bad(`words must be a list of 1..${65536 - FIRST_TOKEN_ID} words`);
  const seen = new Set<string>();
  list.forEach((w, i) => {
    if (typeof w !== 'string' || words(w).length !== 1 || words(w)[0] !== w) throw bad(`words[${i}] ${JSON.stringify(w)} is not a lowercased word`);
    if (seen.has(w)) throw bad(`words[${i}] "${w}" is listed twice`);
    seen.add(w);
  });
  return { format: TOKENIZER_FORMAT, level: 'word', length: v.length as number, words: [...(list as string[])] };
}

/** Tokenises texts as a {@link TokenizerSpec} says. */
export interface Tokenizer {
  readonly spec: TokenizerSpec;
  /** Embedding input size: every id this tokenizer emits is below it. */
  readonly vocabularySize: number;
  /** The ids of `text`, fitted to the length, written into `out` at `offset` (a fresh array by default). */
  encode(text: string, out?: Uint16Array, offset?: number): Uint16Array;
  /** The ids of `texts`, row after row: texts.length × length. */
  encodeAll(texts: readonly string[]): Uint16Array;
}

/** A tokenizer for `spec`: the one function training and serving both use to turn text into ids. */
export function createTokenizer(spec: TokenizerSpec): Tokenizer {
  const vocab: WordVocabulary | undefined = spec.level === 'word' ? new Map((spec.words ?? []).map((w, i) => [w, FIRST_TOKEN_ID + i])) : undefined;
  if (spec.level === 'word' && !vocab!.size) throw new Error('a word-level tokenizer needs its vocabulary');
  const encode = (text: string, out = new Uint16Array(spec.length), offset = 0): Uint16Array =>
    fitLength(vocab ? wordIds(text, vocab) : charIds(text), spec.length, out, offset);
  return {
    spec,
    vocabularySize: tokenVocabularySize(spec.level, vocab?.size ?? 0),
    encode,
    encodeAll(texts) {
      const out = new Uint16Array(texts.length * spec.length);
      texts.forEach((t, i) => encode(t, out, i * spec.length));
      return out;
    },
  };
}
