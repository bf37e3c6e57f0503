/** LatestOnlyRunner: one run at a time, intermediate requests dropped, the newest always run. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LatestOnlyRunner } from '../../web-demo/src/runtime.ts';

test('requests made while a run is busy collapse into the newest one', async () => {
  const started: number[] = [];
  const finished: number[] = [];
  let active = 0;
  let maxActive = 0;
  const runner = new LatestOnlyRunner<number, number>(
    async (n) => {
      started.push(n);
      maxActive = Math.max(maxActive, ++active);
      await new Promise((r) => setTimeout(r, 20));
      active--;
      return n * 10;
    },
    (n, out) => {
      assert.equal(out, n * 10, 'done gets the output of its own input');
      finished.push(n);
    },
    (err) => assert.fail(String(err)),
  );
  runner.request(1);
  for (let i = 2; i <= 5; i++) runner.request(i);
  assert.equal(runner.idle, false);
  while (!runner.idle) await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(started, [1, 5], 'frames 2–4 were dropped; the newest ran');
  assert.deepEqual(finished, [1, 5]);
  assert.equal(maxActive, 1);
});

test('cancel forgets the waiting request; a failing run is reported and the runner keeps going', async () => {
  const errors: string[] = [];
  const done: number[] = [];
  const runner = new LatestOnlyRunner<number, number>(
    async (n) => {
      await new Promise((r) => setTimeout(r, 10));
      if (n === 3) throw new Error('boom');
      return n;
    },
    (_n, out) => done.push(out),
    (err) => errors.push((err as Error).message),
  );
  runner.request(1);
  runner.request(2);
  runner.cancel();
  while (!runner.idle) await new Promise((r) => setTimeout(r, 5));
  runner.request(3);
  while (!runner.idle) await new Promise((r) => setTimeout(r, 5));
  runner.request(4);
  while (!runner.idle) await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(done, [1, 4]);
  assert.deepEqual(errors, ['boom']);
});
