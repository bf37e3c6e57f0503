/**
 * Splitting a v2 request body: JSON only, or (binary tensor extension) a JSON header of
 * `Inference-Header-Content-Length` bytes followed by binary tensor data.
 */
import { badRequest, HttpError } from '../errors.ts';

const JSON_TYPES = ['application/json', 'application/octet-stream'];

/** Parses the body into the JSON header and the binary remainder; 400/415 naming what was wrong. */
export function splitBody(body: unknown, contentType: string | undefined, headerLength: string | undefined): { json: unknown; binary?: Uint8Array } {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type && !JSON_TYPES.includes(type)) throw new HttpError(415, `unsupported Content-Type "${contentType}": send application/json (or application/octet-stream with Inference-Header-Content-Length for binary tensors)`);
  const buf = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
  if (buf.byteLength === 0) throw badRequest('the request body is empty; send a JSON inference request');
  let jsonBytes = buf;
  let binary: Uint8Array | undefined;
  if (headerLength !== undefined) {
    const n = Number(headerLength);
    if (!Number.isInteger(n) || n < 0 || n > buf.byteLength) throw badRequest(`Inference-Header-Content-Length is "${headerLength}" but the body has ${buf.byteLength} bytes; it must be the JSON header's length in bytes`);
    jsonBytes = buf.subarray(0, n);
    binary = buf.subarray(n);
  }
  try {
    return { json: JSON.parse(jsonBytes.toString('utf8')), ...(binary ? { binary } : {}) };
  } catch (err) {
    throw badRequest(`the request body is not valid JSON: ${(err as Error).message}`);
  }
}
