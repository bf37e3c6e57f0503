/**
 * S2 part B — text classification into 15 categories, CNN vs RNN, at char and word level. S2
 * classified Wikipedia paragraphs (5,600 train / 700 test), which cannot be had offline; here the
 * text is Debian's package descriptions labelled by archive section (the `debian-packages`
 * dataset: apt's own lists, after `apt-get update`).
 *
 * Every model reads token ids: input `tokens` [length, 1, 1] (ids as floats, 0 = padding,
 * 1 = unknown) → Reshape [length] → Embedding → Conv1D or recurrent layers → Dense softmax
 * `probabilities`. S2 trained with Adam, lr 0.01, batch 128 for 500 epochs; we keep Adam 0.01 and
 * batch 128 but train at most 30 epochs, stop after 5 without a better validation loss, and keep
 * the best epoch's weights (descriptions are short: one epoch is ~94 steps).
 */
import * as tfl from '@tensorflow/tfjs-layers';
import type { Recipe, StudyReference, TrainConfig } from '../pipeline/recipe.ts';
import { pytorchRecurrentInit } from './digits-rnn.ts';
import { tokenVocabularySize } from '../pipeline/data/text/tokenize.ts';

/**
 * The 15 largest sections of Debian bookworm (main, with -updates, -backports and -security; amd64),
 * read from /var/lib/apt/lists on 2026-11-25, largest first, with their package counts after
 * de-duplication by name: libs 6,814, libdevel 5,648, python 4,592, doc 4,505, perl 4,227,
 * devel 3,600, utils 2,392, haskell 2,205, net 2,054, golang 1,990, rust 1,953, javascript 1,872,
 * java 1,799, science 1,660, admin 1,516. Fixed here so that runs on other machines with the same
 * apt sources have the same classes.
 */
export const TEXT_SECTIONS = ['libs', 'libdevel', 'python', 'doc', 'perl', 'devel', 'utils', 'haskell', 'net', 'golang', 'rust', 'javascript', 'java', 'science', 'admin'];

/** Per section: at most 1,000 packages → 800 train / 100 validation / 100 test (12,000 / 1,500 / 1,500). */
const PER_CLASS = 1000;
/** Char level: 80 characters (the 99th percentile of the descriptions' lengths; median 47). */
export const CHAR_LENGTH = 80;
/** Word level: 16 words (99th percentile 12, median 7), vocabulary the 5,000 most frequent training words. */
export const WORD_LENGTH = 16;
export const WORD_VOCAB = 5000;

type Level = 'char' | 'word';
const LENGTH: Record<Level, number> = { char: CHAR_LENGTH, word: WORD_LENGTH };

function dataFor(level: Level): Recipe['data'] {
  return {
    dataset: 'debian-packages',
    validationFraction: 0.1,
    testFraction: 0.1,
    options: { level, length: LENGTH[level], ...(level === 'word' ? { vocab: WORD_VOCAB } : {}), perClass: PER_CLASS, sections: TEXT_SECTIONS.join(',') },
  };
}

const inputFor = (level: Level): Recipe['input'] => ({ size: [LENGTH[level], 1, 1], scale: 'none', polarity: 'white-on-black', fit: 'stretch' });

const DATA_NOTE =
  'Debian package descriptions labelled by archive section (15 largest sections of bookworm, ≤ 1,000 packages each: 12,000 train / 1,500 validation / 1,500 test) instead of Wikipedia paragraphs in 15 categories (5,600 train / 700 test); descriptions are one line (median 7 words), paragraphs are longer; at most 30 epochs instead of 500';

const TRAIN: TrainConfig = {
  epochs: 30,
  batchSize: 128,
  optimizer: { name: 'adam', learningRate: 0.01 },
  earlyStopping: { patience: 5 },
  keepBest: true,
};

type Body = (x: tfl.SymbolicTensor) => tfl.SymbolicTensor;

/** tokens [length, 1, 1] → Reshape [length] → Embedding(vocab, dim) → body → Dense softmax over the sections. */
function buildTokenModel(name: string, level: Level, embeddingDim: number, body: Body): tfl.LayersModel {
  const length = LENGTH[level];
  const input = tfl.input({ shape: [length, 1, 1], name: 'tokens' });
  let x = tfl.layers.reshape({ targetShape: [length], name: 'ids' }).apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.embedding({ inputDim: tokenVocabularySize(level, WORD_VOCAB), outputDim: embeddingDim, name: 'embedding' }).apply(x) as tfl.SymbolicTensor;
  x = body(x);
  const probabilities = tfl.layers.dense({ units: TEXT_SECTIONS.length, activation: 'softmax', name: 'probabilities' }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: probabilities, name: name.replace(/-/g, '_') });
}

/** Char CNN: Conv1D 64 k5 → max pool 2 → Conv1D 64 k5 → global max pool. */
const charCnn: Body = (x) => {
  x = tfl.layers.conv1d({ filters: 64, kernelSize: 5, activation: 'relu', name: 'conv1' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.maxPooling1d({ poolSize: 2, name: 'pool1' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.conv1d({ filters: 64, kernelSize: 5, activation: 'relu', name: 'conv2' }).apply(x) as tfl.SymbolicTensor;
  return tfl.layers.globalMaxPooling1d({ name: 'pool2' }).apply(x) as tfl.SymbolicTensor;
};

/** Word CNN: Conv1D 64 k3 (word trigrams) → global max pool. */
const wordCnn: Body = (x) => {
  x = tfl.layers.conv1d({ filters: 64, kernelSize: 3, activation: 'relu', padding: 'same', name: 'conv' }).apply(x) as tfl.SymbolicTensor;
  return tfl.layers.globalMaxPooling1d({ name: 'pool' }).apply(x) as tfl.SymbolicTensor;
};

type Cell = 'gru' | 'lstm' | 'rnn';

/**
 * `layers` recurrent layers of `units` (the last returns its final state), as PyTorch's nn.GRU /
 * nn.LSTM / nn.RNN: sigmoid gates and every weight uniform in ±1/√units.
 */
function recurrent(cell: Cell, units: number, layers = 1): Body {
  return (x) => {
    for (let i = 0; i < layers; i++) {
      const init = pytorchRecurrentInit(units);
      const common = { units, returnSequences: i < layers - 1, kernelInitializer: init, recurrentInitializer: init, name: `${cell}${layers > 1 ? i + 1 : ''}` };
      const layer =
        cell === 'gru'
          ? tfl.layers.gru({ ...common, recurrentActivation: 'sigmoid' })
          : cell === 'lstm'
            ? tfl.layers.lstm({ ...common, recurrentActivation: 'sigmoid' })
            : tfl.layers.simpleRNN(common);
      x = layer.apply(x) as tfl.SymbolicTensor;
    }
    return x;
  };
}

interface TextModel {
  name: string;
  level: Level;
  summary: string;
  experiment: string;
  value: number;
  embeddingDim: number;
  body: Body;
  clipNorm?: number;
}

function textRecipe(m: TextModel): Recipe {
  const reference: StudyReference = { study: 'S2', experiment: m.experiment, metric: 'test accuracy', value: m.value, dataNote: DATA_NOTE };
  return {
    name: m.name,
    summary: m.summary,
    reference,
    data: dataFor(m.level),
    input: inputFor(m.level),
    labels: TEXT_SECTIONS,
    build: () => buildTokenModel(m.name, m.level, m.embeddingDim, m.body),
    train: m.clipNorm ? { ...TRAIN, clipNorm: m.clipNorm } : TRAIN,
  };
}

const MODELS: TextModel[] = [
  { name: 'text-char-cnn', level: 'char', summary: 'S2 text: char CNN (embedding 16, 2×Conv1D 64) on Debian package descriptions by section', experiment: 'char CNN', value: 0.4, embeddingDim: 16, body: charCnn },
  { name: 'text-word-cnn', level: 'word', summary: 'S2 text: word CNN (embedding 32, Conv1D 64 k3, global max pool)', experiment: 'word CNN (81–82%)', value: 0.815, embeddingDim: 32, body: wordCnn },
  { name: 'text-char-gru', level: 'char', summary: 'S2 text: char RNN (embedding 16, GRU 20)', experiment: 'char RNN, GRU hidden 20 (61–66%)', value: 0.635, embeddingDim: 16, body: recurrent('gru', 20) },
  { name: 'text-word-gru', level: 'word', summary: 'S2 text: word RNN (embedding 20, GRU 20)', experiment: 'word RNN, embedding 20, GRU 20', value: 0.88, embeddingDim: 20, body: recurrent('gru', 20) },
  { name: 'text-word-rnn', level: 'word', summary: 'S2 text: word RNN, vanilla (embedding 20, SimpleRNN 20)', experiment: 'word RNN, vanilla', value: 0.0737, embeddingDim: 20, body: recurrent('rnn', 20) },
  { name: 'text-word-lstm', level: 'word', summary: 'S2 text: word RNN, LSTM (embedding 20, LSTM 20)', experiment: 'word RNN, LSTM', value: 0.747, embeddingDim: 20, body: recurrent('lstm', 20) },
  { name: 'text-word-rnn2', level: 'word', summary: 'S2 text: word RNN, 2-layer vanilla (2×SimpleRNN 20)', experiment: 'word RNN, 2-layer vanilla', value: 0.116, embeddingDim: 20, body: recurrent('rnn', 20, 2) },
  { name: 'text-word-lstm2', level: 'word', summary: 'S2 text: word RNN, 2-layer LSTM (2×LSTM 20)', experiment: 'word RNN, 2-layer LSTM', value: 0.756, embeddingDim: 20, body: recurrent('lstm', 20, 2) },
  { name: 'text-word-rnn-clip', level: 'word', summary: 'S2 text: word RNN, vanilla, gradient norm clipped at 2', experiment: 'word RNN, vanilla, gradient clipping at 2', value: 0.0526, embeddingDim: 20, body: recurrent('rnn', 20), clipNorm: 2 },
  { name: 'text-word-lstm-clip', level: 'word', summary: 'S2 text: word RNN, LSTM, gradient norm clipped at 2', experiment: 'word RNN, LSTM, gradient clipping at 2', value: 0.711, embeddingDim: 20, body: recurrent('lstm', 20), clipNorm: 2 },
];

export const textRecipes: Recipe[] = MODELS.map(textRecipe);
