/**
 * The Open Inference Protocol (KServe v2) REST routes: health, server and model metadata, model
 * readiness, inference (JSON and binary tensor data, classification), statistics and the model
 * repository extension.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { ModelManager } from '../repository/manager.ts';
import { checkModelName } from '../repository/manager.ts';
import type { ServerMetrics } from '../metrics.ts';
import { HttpError, badRequest } from '../errors.ts';
import type { LoadedModel } from '../repository/loaded-model.ts';
import { splitBody } from './body.ts';
import { checkInferRequest } from './schema.ts';
import { decodeInputs } from './decode.ts';
import { encodeResponse, planOutputs } from './encode.ts';
import { textInputMetadata } from './text.ts';

export const SERVER_NAME = 'onnxline';
export const EXTENSIONS = ['binary_tensor_data', 'classification', 'model_repository', 'statistics'];

export interface V2Options {
  manager: ModelManager;
  metrics: ServerMetrics;
  version: string;
  /** Largest request body in bytes. */
  bodyLimit: number;
}

type Params = { name: string; version?: string };

/**
 * Model metadata in the v2 shape (plus `parameters` with onnxline's extras). `inputs` lists the
 * ONNX inputs as they are; a text model adds `parameters.text_input` (the BYTES [-1] tensor of
 * texts it also accepts under the same input name) and `parameters.tokenizer` (level, length,
 * vocabulary size).
 */
export function modelMetadata(m: LoadedModel): Record<string, unknown> {
  return {
    name: m.name,
    versions: [String(m.version)],
    platform: 'onnxruntime_onnx',
    inputs: m.inputs.map((t) => ({ name: t.name, datatype: t.datatype, shape: t.shape })),
    outputs: m.outputs.map((t) => ({ name: t.name, datatype: t.datatype, shape: t.shape })),
    parameters: {
      execution_provider: m.provider,
      max_batch_size: m.maxBatchSize,
      ...(m.labels ? { labels: m.labels } : {}),
      ...(m.preprocessing ? { preprocessing: m.preprocessing } : {}),
      ...textInputMetadata(m.tokenizer, m.inputs[0]),
    },
  };
}

/** Runs one v2 inference request against an acquired model, recording stats and metrics. */
async function infer(opts: V2Options, req: Request<Params>, res: Response): Promise<void> {
  const t0 = process.hrtime.bigint();
  const { name, version } = req.params;
  let model: LoadedModel | undefined;
  try {
    const { json, binary } = splitBody(req.body, req.get('content-type'), req.get('inference-header-content-length'));
    model = await opts.manager.acquire(name, version);
    const request = checkInferRequest(json);
    const inputs = decodeInputs(request, binary, model.inputs, model.maxBatchSize, model.tokenizer);
    const plan = planOutputs(request, model.outputs);
    const labels = { model: name, version: String(model.version) };
    opts.metrics.pending.inc({ model: name });
    let result;
    try {
      result = await model.batcher.submit(inputs);
    } finally {
      opts.metrics.pending.dec({ model: name });
    }
    const encoded = encodeResponse({ model_name: name, model_version: String(model.version), id: request.id }, result.outputs, plan, model.labels);
    const totalNs = Number(process.hrtime.bigint() - t0);
    model.stats.success(model.maxBatchSize > 0 ? inputs[0]!.shape[0]! : 1, totalNs, result.queueNs, result.computeNs);
    opts.metrics.queueSeconds.observe(labels, result.queueNs / 1e9);
    opts.metrics.computeSeconds.observe(labels, result.computeNs / 1e9);
    opts.metrics.request(name, labels.version, true, 'ok', totalNs / 1e9);
    res.status(200).type(encoded.contentType);
    if (encoded.headerLength !== undefined) res.set('Inference-Header-Content-Length', String(encoded.headerLength));
    res.send(encoded.body);
  } catch (err) {
    res.locals.counted = true;
    const totalNs = Number(process.hrtime.bigint() - t0);
    model?.stats.fail(totalNs);
    const reason = err instanceof HttpError ? err.reason : 'internal';
    // Labels come from the loaded model, never from the URL (a client could otherwise grow the metrics without bound).
    const labelled = model ?? opts.manager.current(name);
    opts.metrics.request(labelled ? name : '', labelled ? String(labelled.version) : '', false, reason, totalNs / 1e9);
    throw err;
  } finally {
    model?.release();
  }
}

/** The current loaded model, or 404/503 as `acquire` would say; released at once (metadata only). */
async function peek(manager: ModelManager, name: string, version?: string): Promise<LoadedModel> {
  const m = await manager.acquire(name, version);
  m.release();
  return m;
}

/** Builds the /v2 router. */
export function v2Router(opts: V2Options): Router {
  const r = express.Router();
  const { manager } = opts;
  const raw = express.raw({ type: () => true, limit: opts.bodyLimit });
  const json = express.json({ limit: opts.bodyLimit, type: () => true, strict: false });

  r.get('/v2/health/live', (_req, res) => {
    res.status(200).end();
  });
  r.get('/v2/health/ready', (_req, res) => {
    res.status(manager.ready ? 200 : 400).end();
  });
  r.get('/v2', (_req, res) => {
    res.json({ name: SERVER_NAME, version: opts.version, extensions: EXTENSIONS });
  });

  r.get('/v2/models/stats', (_req, res) => {
    res.json({ model_stats: manager.stats() });
  });
  for (const base of ['/v2/models/:name', '/v2/models/:name/versions/:version']) {
    r.get(base, async (req: Request<Params>, res) => {
      res.json(modelMetadata(await peek(manager, req.params.name, req.params.version)));
    });
    r.get(`${base}/ready`, async (req: Request<Params>, res) => {
      try {
        await peek(manager, req.params.name, req.params.version);
        res.status(manager.ready ? 200 : 400).end();
      } catch (err) {
        if (err instanceof HttpError && err.status === 503) res.status(400).end();
        else throw err;
      }
    });
    r.post(`${base}/infer`, raw, (req: Request<Params>, res) => infer(opts, req, res));
    r.get(`${base}/stats`, async (req: Request<Params>, res) => {
      checkModelName(req.params.name);
      if (!(await manager.known(req.params.name))) throw new HttpError(404, `model "${req.params.name}" not found in the repository`);
      res.json({ model_stats: manager.stats(req.params.name, req.params.version) });
    });
  }
  r.post('/v2/repository/index', json, async (req, res) => {
    const body = (req.body ?? {}) as { ready?: unknown };
    if (typeof body !== 'object' || Array.isArray(body)) throw badRequest('the repository index request must be a JSON object such as {"ready": true}');
    if (body.ready !== undefined && typeof body.ready !== 'boolean') throw badRequest(`"ready" must be true or false (got ${JSON.stringify(body.ready)})`);
    res.json(await manager.index(body.ready === true));
  });
  r.post('/v2/repository/models/:name/load', json, async (req: Request<Params>, res) => {
    await manager.load(req.params.name);
    res.status(200).end();
  });
  r.post('/v2/repository/models/:name/unload', json, async (req: Request<Params>, res) => {
    await manager.unload(req.params.name);
    res.status(200).end();
  });
  return r;
}
