/** S4's per-class table: the mean per-class test accuracy of each recipe's runs, one column per class. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { perClassTable } from '../../pipeline/report/markdown.ts';
import type { ReportRow } from '../../pipeline/report/rows.ts';

const row = (recipe: string, perClass: (Record<string, number> | null)[]): ReportRow =>
  ({ recipe, study: 'S4', runs: perClass.map((p) => ({ perClassAccuracy: p })) }) as unknown as ReportRow;

test('perClassTable averages each class over a recipe\'s runs and skips recipes without numbers', () => {
  const lines = perClassTable([
    row('digits-lstm', [{ '0': 1, '1': 0.5 }, { '0': 0.5, '1': 0.5 }]),
    row('digits-lstm-imbalanced', [{ '0': 0.25, '1': 1 }]),
    row('not-run', []),
  ]);
  assert.equal(lines[2], '| recipe | 0 | 1 |');
  assert.equal(lines[4], '| digits-lstm | 75.00% | 50.00% |');
  assert.equal(lines[5], '| digits-lstm-imbalanced | 25.00% | 100.00% |');
  assert.equal(lines.filter((l) => l.startsWith('| not-run')).length, 0);
  assert.deepEqual(perClassTable([row('x', [null])]), []);
});
