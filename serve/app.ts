/**
 * The express app (no listening): CORS, optional bearer-token auth, /metrics, the v2 and v1
 * routes, the published model files, the web demo, and one error handler that answers every
 * error as JSON `{"error": "..."}` with the right status.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import multer from 'multer';
import { HttpError, notFound } from './errors.ts';
import type { ServerMetrics } from './metrics.ts';
import type { ModelManager } from './repository/manager.ts';
import { checkModelName } from './repository/manager.ts';
import { v2Router } from './v2/routes.ts';
import { classifyRouter } from './v1/classify.ts';

export interface AppOptions {
  manager: ModelManager;
  metrics: ServerMetrics;
  repositoryRoot: string;
  version: string;
  /** Largest request body in bytes. */
  bodyLimit: number;
  /** When set, every route but /v2/health/* needs `Authorization: Bearer <token>`. */
  apiToken?: string | undefined;
  /** Allowed CORS origins ('*' for any); none = no CORS headers. */
  corsOrigins?: string[] | undefined;
  /** Folder of static files served at / (the web demo), when it exists. */
  staticDir?: string | undefined;
  log: (line: string) => void;
}

function cors(origins: string[]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const origin = req.get('origin');
    if (origin && (origins.includes('*') || origins.includes(origin))) {
      res.set('Access-Control-Allow-Origin', origins.includes('*') ? '*' : origin);
      res.set('Vary', 'Origin');
      res.set('Access-Control-Expose-Headers', 'Inference-Header-Content-Length');
    }
    if (req.method === 'OPTIONS' && origin) {
      res.set('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      res.set('Access-Control-Allow-Headers', 'Content-Type, Authorization, Inference-Header-Content-Length');
      res.set('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}

function bearer(token: string) {
  const expected = Buffer.from(token);
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (req.path.startsWith('/v2/health/')) return next();
    const given = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '')?.[1]?.trim();
    const ok = given !== undefined && Buffer.byteLength(given) === expected.length && timingSafeEqual(Buffer.from(given), expected);
    if (!ok) throw new HttpError(401, given === undefined ? 'this server needs "Authorization: Bearer <token>" (the server\'s ONNXLINE_API_TOKEN)' : 'the bearer token is not valid');
    next();
  };
}

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
  length?: number;
}

/** Maps any error to a status and a client-facing message. */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const e = err as BodyParserError;
  if (err instanceof multer.MulterError) {
    return err.code === 'LIMIT_FILE_SIZE' ? new HttpError(413, `the uploaded file is over the limit; send a smaller image`) : new HttpError(400, `bad multipart upload: ${err.message}`);
  }
  switch (e?.type) {
    case 'entity.too.large':
      return new HttpError(413, `the request body (${e.length ?? 'more than the limit'} bytes) is over the limit of ${e.limit} bytes; send less or start the server with a larger --body-limit`);
    case 'entity.parse.failed':
      return new HttpError(400, `the request body is not valid JSON: ${e.message}`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpError(415, e.message);
    case 'request.aborted':
    case 'request.size.invalid':
      return new HttpError(400, e.message);
  }
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return new HttpError(e.status, e.message);
  return new HttpError(500, `internal error: ${e?.message ?? String(err)}`, 'internal');
}

/** Builds the app; the caller listens. */
export function createApp(opts: AppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  if (opts.corsOrigins?.length) app.use(cors(opts.corsOrigins));
  if (opts.apiToken) app.use(bearer(opts.apiToken));

  app.get('/metrics', async (_req, res) => {
    res.type(opts.metrics.registry.contentType).send(await opts.metrics.registry.metrics());
  });
  app.use(v2Router({ manager: opts.manager, metrics: opts.metrics, version: opts.version, bodyLimit: opts.bodyLimit }));
  app.use(classifyRouter({ manager: opts.manager, metrics: opts.metrics, bodyLimit: opts.bodyLimit }));

  const root = resolve(opts.repositoryRoot);
  app.get('/models/:name/config.json', (req: Request<{ name: string }>, res, next) => {
    const file = join(root, checkModelName(req.params.name), 'config.json');
    if (!existsSync(file)) throw notFound(`model "${req.params.name}" has no config.json in the repository`);
    res.sendFile(file, { dotfiles: 'deny' }, (err) => err && next(err));
  });
  app.get('/models/:name/:version/model.onnx', (req: Request<{ name: string; version: string }>, res, next) => {
    if (!/^[0-9]+$/.test(req.params.version)) throw notFound(`model versions are positive integers (got "${req.params.version}")`);
    const file = join(root, checkModelName(req.params.name), req.params.version, 'model.onnx');
    if (!existsSync(file)) throw notFound(`model "${req.params.name}" has no version ${req.params.version} in the repository`);
    res.type('application/octet-stream');
    res.sendFile(file, { dotfiles: 'deny' }, (err) => err && next(err));
  });
  if (opts.staticDir && existsSync(opts.staticDir)) app.use(express.static(opts.staticDir));

  app.use((req, _res, next) => next(notFound(`no route for ${req.method} ${req.path}`)));
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = toHttpError(err);
    if (e.status >= 500) opts.log(`error: ${req.method} ${req.originalUrl}: ${(err as Error)?.stack ?? String(err)}`);
    // Inference requests refused before their handler ran (body too large, unsupported type) still count as failures.
    const route = /^\/v2\/models\/([^/]+)(?:\/versions\/[^/]+)?\/infer$|^\/v1\/models\/([^/:]+):classify$/.exec(req.path);
    if (route && !res.locals.counted) {
      const name = route[1] ?? route[2] ?? '';
      const model = opts.manager.current(name);
      opts.metrics.request(model ? name : '', model ? String(model.version) : '', false, e.reason, 0);
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (e.status === 401) res.set('WWW-Authenticate', 'Bearer');
    res.status(e.status).json({ error: e.message });
  });
  return app;
}
