/** Which published models the demo lets a person draw for: one grayscale image in, one class per label out. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { notDrawable, type DemoModel } from '../../web-demo/src/models.ts';
import { recipes } from '../../models/index.ts';

/** The DemoModel the page builds from a recipe's published config (input/output shapes as publish writes them). */
function published(name: string): DemoModel {
  const r = recipes.get(name)!;
  const head = r.outputs?.[0];
  const out = head?.steps ? [-1, head.steps, head.classes] : [-1, r.labels.length];
  return {
    name,
    version: '1',
    labels: r.labels,
    preprocessing: r.input,
    input: { name: 'x', datatype: 'FP32', shape: [-1, ...r.input.size] },
    output: { name: 'y', datatype: 'FP32', shape: out },
    onnxUrl: '',
    classifyUrl: '',
  };
}

test('digits, letters and fonts are drawable; digit pairs, letter sequences and text are listed but not selectable', () => {
  for (const name of ['digits', 'letters', 'fonts', 'fashion', 'digits-lstm']) assert.equal(notDrawable(published(name)), null, name);
  assert.equal(notDrawable(published('compare-aux')), 'takes 2-channel input');
  assert.equal(notDrawable(published('letters-sort')), 'not one class per drawing');
  assert.equal(notDrawable(published('text-word-gru')), 'not an image model');
  const { preprocessing: _p, ...bare } = published('digits');
  assert.equal(notDrawable(bare), 'not an image model');
});
