/**
 * `POST /v1/models/{m}:classify` for people: an image (PNG/JPEG body or multipart upload) or JSON
 * `{"pixels": [[...]]}` in, the top-k labels with probabilities out. The image is turned into the
 * model's input with the shared preprocessing (pipeline/preprocess/image.ts) and the model's spec.
 * A text model (one with a tokenizer) takes JSON `{"text": "..."}` instead, tokenised by its own
 * tokenizer (serve/v2/text.ts).
 */
import express, { type Request, type Response, type Router } from 'express';
import multer from 'multer';
import type { ImageInputSpec } from '../../pipeline/preprocess/spec.ts';
import { imageToTensor, type GrayImage } from '../../pipeline/preprocess/image.ts';
import { HttpError, badRequest, notFound } from '../errors.ts';
import type { ModelManager } from '../repository/manager.ts';
import type { LoadedModel } from '../repository/loaded-model.ts';
import type { ServerMetrics } from '../metrics.ts';
import { toJson, type Tensor } from '../v2/datatypes.ts';
import { textToTokens } from '../v2/text.ts';
import { decodeImage, pixelsToImage } from './image.ts';

export interface ClassifyOptions {
  manager: ModelManager;
  metrics: ServerMetrics;
  bodyLimit: number;
}

/** The image spec of a model: its preprocessing metadata, or one derived from an [N,H,W(,C)] FP32 input. */
export function imageSpecOf(m: LoadedModel): ImageInputSpec {
  if (m.preprocessing?.scale === 'none') {
    throw badRequest(`model "${m.name}" takes token ids, not an image; send them to POST /v2/models/${m.name}/infer`);
  }
  if (m.preprocessing) return m.preprocessing;
  const input = m.inputs[0];
  const dims = input && m.inputs.length === 1 && input.datatype === 'FP32' ? input.shape.slice(m.maxBatchSize > 0 ? 1 : 0) : [];
  if ((dims.length === 2 || dims.length === 3) && dims.every((d) => d > 0)) {
    return { size: [dims[0]!, dims[1]!, dims[2] ?? 1], scale: '0..1', polarity: 'white-on-black', fit: 'stretch' };
  }
  throw badRequest(`model "${m.name}" does not take an image (its inputs: ${m.inputs.map((i) => `${i.name} ${i.datatype} [${i.shape.join(', ')}]`).join('; ')}); use POST /v2/models/${m.name}/infer`);
}

function topK(req: Request, fromBody: unknown): number {
  const raw = fromBody ?? req.query.top_k;
  if (raw === undefined) return 3;
  const k = Number(raw);
  if (!Number.isInteger(k) || k < 1) throw badRequest(`top_k must be a whole number ≥ 1 (got ${JSON.stringify(raw)})`);
  return k;
}

/** A text model's input from JSON `{"text": "...", "top_k": k}`; 400/415 saying what to send. */
function textFrom(req: Request, m: LoadedModel): { input: Tensor; k: number } {
  const type = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const body = req.body as { text?: unknown; top_k?: unknown } | undefined;
  const hint = `send application/json {"text": "some text"} (or many texts at once to POST /v2/models/${m.name}/infer as a BYTES input "${m.inputs[0]!.name}")`;
  if (type !== 'application/json') throw new HttpError(415, `model "${m.name}" classifies text, not images: ${hint}`);
  if (!body || typeof body !== 'object' || Array.isArray(body) || body.text === undefined) throw badRequest(`model "${m.name}" classifies text and the JSON body has no "text": ${hint}`);
  if (typeof body.text !== 'string') throw badRequest(`"text" must be a string (got ${JSON.stringify(body.text)?.slice(0, 40)}): ${hint}`);
  return { input: textToTokens('text', 1, [body.text], m.inputs[0]!, m.tokenizer!), k: topK(req, body.top_k) };
}

/** An image model's input from the request (image body, multipart upload or JSON pixels) and its spec. */
async function imageInput(req: Request, m: LoadedModel): Promise<{ input: Tensor; k: number }> {
  const spec = imageSpecOf(m);
  const { image, k } = await imageFrom(req);
  const data = imageToTensor(image, spec);
  const input = m.inputs[0]!;
  const shape = input.shape.map((d) => (d < 0 ? 1 : d));
  if (shape.reduce((a, b) => a * b, 1) !== data.length) {
    throw badRequest(`model "${m.name}": input "${input.name}" [${input.shape.join(', ')}] does not fit its preprocessing size ${spec.size.join('×')}`);
  }
  return { input: { name: input.name, datatype: 'FP32', shape, data }, k };
}

async function imageFrom(req: Request): Promise<{ image: GrayImage; k: number }> {
  const type = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type.startsWith('image/')) return { image: await decodeImage(req.body as Buffer), k: topK(req, undefined) };
  if (type === 'multipart/form-data') {
    const files = (req.files as Express.Multer.File[] | undefined) ?? [];
    const file = files.find((f) => f.fieldname === 'image') ?? files[0];
    if (!file) throw badRequest('the multipart form has no file; upload the image in a field named "image"');
    return { image: await decodeImage(file.buffer), k: topK(req, (req.body as Record<string, unknown> | undefined)?.top_k) };
  }
  if (type === 'application/json') {
    const body = req.body as { pixels?: unknown; top_k?: unknown } | undefined;
    if (!body || typeof body !== 'object' || Array.isArray(body) || body.pixels === undefined) throw badRequest('the JSON body needs "pixels": an H×W array of numbers (0..255 or 0..1)');
    return { image: pixelsToImage(body.pixels), k: topK(req, body.top_k) };
  }
  throw new HttpError(415, `unsupported Content-Type "${req.get('content-type') ?? '(none)'}": send image/png, image/jpeg, multipart/form-data with an "image" file, or application/json with "pixels"`);
}

async function classify(opts: ClassifyOptions, req: Request<{ target: string }>, res: Response): Promise<void> {
  const target = req.params.target;
  if (!target.endsWith(':classify')) throw notFound(`no route for POST /v1/models/${target}; did you mean /v1/models/${target.split(':')[0]}:classify?`);
  const name = target.slice(0, -':classify'.length);
  const t0 = process.hrtime.bigint();
  let model: LoadedModel | undefined;
  try {
    model = await opts.manager.acquire(name);
    const { input, k } = model.tokenizer ? textFrom(req, model) : await imageInput(req, model);
    const result = await model.batcher.submit([input]);
    const out = result.outputs[0]!;
    const probs = toJson(out.datatype, out.data) as number[];
    const predictions = probs
      .map((p, i) => ({ label: model!.labels?.[i] ?? String(i), index: i, probability: p }))
      .sort((a, b) => b.probability - a.probability)
      .slice(0, k);
    const totalNs = Number(process.hrtime.bigint() - t0);
    model.stats.success(1, totalNs, result.queueNs, result.computeNs);
    opts.metrics.request(name, String(model.version), true, 'ok', totalNs / 1e9);
    res.json({ model_name: name, model_version: String(model.version), predictions });
  } catch (err) {
    res.locals.counted = true;
    model?.stats.fail(Number(process.hrtime.bigint() - t0));
    opts.metrics.request(model ? name : '', model ? String(model.version) : '', false, err instanceof HttpError ? err.reason : 'internal', 0);
    throw err;
  } finally {
    model?.release();
  }
}

/** Builds the /v1 classify router. */
export function classifyRouter(opts: ClassifyOptions): Router {
  const r = express.Router();
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: opts.bodyLimit, files: 1, fields: 8 } });
  r.post(
    '/v1/models/:target',
    express.raw({ type: 'image/*', limit: opts.bodyLimit }),
    express.json({ limit: opts.bodyLimit }),
    upload.any(),
    (req: Request<{ target: string }>, res) => classify(opts, req, res),
  );
  return r;
}
