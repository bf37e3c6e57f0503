import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDirAtomic, writeFileAtomic } from '../../pipeline/runner/atomic.ts';

test('writeFileAtomic replaces the file and leaves no temp file behind', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'onnxline-atomic-'));
  const p = join(dir, 'a', 'b.txt');
  await writeFileAtomic(p, 'one');
  await writeFileAtomic(p, 'two');
  assert.equal(await readFile(p, 'utf8'), 'two');
  assert.deepEqual(await readdir(join(dir, 'a')), ['b.txt']);
  await rm(dir, { recursive: true });
});

test('writeDirAtomic keeps the old directory when filling the new one fails', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'onnxline-atomic-'));
  const target = join(dir, 'model');
  await writeDirAtomic(target, async (tmp) => writeFileAtomic(join(tmp, 'x'), 'old'));
  await assert.rejects(
    writeDirAtomic(target, async (tmp) => {
      await writeFileAtomic(join(tmp, 'x'), 'new-but-half');
      throw new Error('killed mid-write');
    }),
    /killed mid-write/,
  );
  assert.equal(await readFile(join(target, 'x'), 'utf8'), 'old');
  assert.deepEqual(await readdir(dir), ['model'], 'no temporary directory is left behind');
  await writeDirAtomic(target, async (tmp) => writeFileAtomic(join(tmp, 'y'), 'new'));
  assert.deepEqual(await readdir(target), ['y'], 'a successful write replaces the whole directory');
  await rm(dir, { recursive: true });
});
