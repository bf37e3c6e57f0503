/**
 * Imports every layer-converter family so each registers its tfjs class names. Importing this
 * module (export.ts does) is what makes the converters available.
 */
import './input.ts';
import './activation.ts';
import './dense.ts';
import './conv.ts';
import './pool.ts';
import './normalization.ts';
import './dropout.ts';
import './shape.ts';
import './merge.ts';
import './preprocessing.ts';
// --- owned by the recurrent/embedding/wrappers helper (LSTM/GRU/SimpleRNN, Embedding, TimeDistributed, Bidirectional) ---
import './recurrent.ts';
import './embedding.ts';
import './wrappers.ts';
// --- end ---

export { applyActivation, SUPPORTED_ACTIVATIONS } from './activation.ts';
export type { ActivationOptions } from './activation.ts';
