/**
 * The v2 datatype codecs: FP16 bits, BYTES length-prefixed binary, integer ranges, BOOL bytes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromBinary, fromHalf, fromJson, toBinary, toHalf, toJson } from '../../serve/v2/datatypes.ts';
import { HttpError } from '../../serve/errors.ts';

test('FP16: exact values round-trip, others round to the nearest half', () => {
  for (const v of [0, 1, -2, 0.5, 65504, -0.25, 2 ** -24]) assert.equal(fromHalf(toHalf(v)), v, `${v}`);
  assert.equal(toHalf(1), 0x3c00);
  assert.equal(toHalf(Infinity), 0x7c00);
  assert.ok(Number.isNaN(fromHalf(toHalf(NaN))));
  assert.ok(Math.abs(fromHalf(toHalf(0.1)) - 0.1) < 1e-4);
  assert.equal(fromHalf(toHalf(1e6)), Infinity, 'overflow becomes infinity');
  const data = fromJson('h', 'FP16', [1.5, -3]);
  assert.deepEqual(toJson('FP16', data), [1.5, -3]);
});

test('BYTES: 4-byte little-endian length prefixes, UTF-8, count checked', () => {
  const bytes = toBinary(['ab', '', 'é']);
  assert.deepEqual([...bytes], [2, 0, 0, 0, 97, 98, 0, 0, 0, 0, 2, 0, 0, 0, 0xc3, 0xa9]);
  assert.deepEqual(fromBinary('s', 'BYTES', bytes, 3), ['ab', '', 'é']);
  assert.throws(() => fromBinary('s', 'BYTES', bytes, 2), /needs 2 BYTES elements but the binary data holds 3/);
  assert.throws(() => fromBinary('s', 'BYTES', bytes.subarray(0, 5), 1), /claims 2 bytes but only 1 remain/);
});

test('integers are range-checked per datatype; BOOL binary must be 0 or 1', () => {
  assert.deepEqual([...(fromJson('u', 'UINT8', [0, 255]) as Uint8Array)], [0, 255]);
  assert.throws(() => fromJson('u', 'UINT8', [256]), (e: HttpError) => e.status === 400 && /element 0 is 256, but datatype UINT8 expects an integer in 0\.\.255/.test(e.message));
  assert.throws(() => fromJson('i', 'INT8', [-129]), /INT8 expects an integer in -128\.\.127/);
  assert.deepEqual(toJson('INT32', fromJson('i', 'INT32', [-5, 7])), [-5, 7]);
  assert.deepEqual(toJson('FP64', fromJson('d', 'FP64', [0.1])), [0.1]);
  assert.throws(() => fromBinary('b', 'BOOL', Uint8Array.from([0, 2]), 2), /BOOL element 1 is byte 2, expected 0 or 1/);
  assert.deepEqual(toJson('BOOL', fromBinary('b', 'BOOL', Uint8Array.from([1, 0]), 2)), [true, false]);
});
