/**
 * Starting and stopping the inference server: loads the repository, listens, and shuts down
 * gracefully (readiness false at once, in-flight requests finish, sessions released).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { createApp } from './app.ts';
import { ServerMetrics } from './metrics.ts';
import { ModelManager } from './repository/manager.ts';
import { resolveProviders, type DeviceChoice } from './sessions/device.ts';

const pkgVersion = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface ServerOptions {
  repository: string;
  port?: number;
  host?: string;
  device?: DeviceChoice;
  /** onnxruntime intra-op threads (0 = its default). */
  threads?: number;
  interOpThreads?: number;
  /** Let idle onnxruntime threads spin-wait (default off). */
  spinning?: boolean;
  /** Defaults for models whose config.json doesn't say. */
  maxBatchSize?: number;
  maxQueueDelayMs?: number;
  maxQueueSize?: number;
  /** Per-request timeout in ms. */
  timeoutMs?: number;
  bodyLimit?: number;
  /** Repository poll interval in ms (0 = off). */
  pollMs?: number;
  /** Bearer token; defaults to env ONNXLINE_API_TOKEN. */
  apiToken?: string;
  corsOrigins?: string[];
  staticDir?: string;
  /** Collect prom-client's default process metrics. */
  processMetrics?: boolean;
  log?: (line: string) => void;
}

export interface RunningServer {
  url: string;
  server: Server;
  manager: ModelManager;
  /** Graceful stop: readiness false at once, in-flight requests finish, then sessions are released. */
  close(): Promise<void>;
}

export const DEFAULT_BODY_LIMIT = 16 * 1024 * 1024;

/** Loads every model in the repository, then listens; resolves with the URL once ready. */
export async function startServer(o: ServerOptions): Promise<RunningServer> {
  const log = o.log ?? ((line: string) => console.log(line));
  const metrics = new ServerMetrics(o.processMetrics ?? false);
  const root = resolve(o.repository);
  const plan = await resolveProviders(o.device ?? 'auto', log);
  if (plan.adapter) {
    const a = plan.adapter;
    metrics.webgpuAdapter.set({ description: a.description || a.device, vendor: a.vendor, architecture: a.architecture, software: String(a.software) }, 1);
  }
  const manager = new ModelManager({
    root,
    session: { providers: plan.providers, intraOpThreads: o.threads ?? 0, interOpThreads: o.interOpThreads ?? 0, spinning: o.spinning ?? process.env.ONNXLINE_ORT_SPINNING === '1', log },
    batching: {
      maxBatchSize: o.maxBatchSize ?? 32,
      maxQueueDelayMs: o.maxQueueDelayMs ?? 0,
      maxQueueSize: o.maxQueueSize ?? 256,
      timeoutMs: o.timeoutMs ?? 30_000,
    },
    pollMs: o.pollMs ?? 2000,
    metrics,
    log,
  });
  await manager.start();
  const apiToken = o.apiToken ?? process.env.ONNXLINE_API_TOKEN;
  const app = createApp({
    manager,
    metrics,
    repositoryRoot: root,
    version: pkgVersion,
    bodyLimit: o.bodyLimit ?? DEFAULT_BODY_LIMIT,
    apiToken: apiToken || undefined,
    corsOrigins: o.corsOrigins,
    staticDir: o.staticDir ?? new URL('../web-demo/dist', import.meta.url).pathname,
    log,
  });
  const server = createServer(app);
  server.keepAliveTimeout = 5000;
  // A client that stops sending half-way through a request is cut off instead of holding a socket forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(o.port ?? 8080, o.host ?? '127.0.0.1', () => {
      server.off('error', fail);
      ok();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `http://${host}:${addr.port}`;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      manager.beginShutdown();
      const closed = new Promise<void>((ok) => server.close(() => ok()));
      // Keep-alive connections that finish their request while we wait become idle: close them too.
      const sweeper = setInterval(() => server.closeIdleConnections(), 50);
      server.closeIdleConnections();
      await closed;
      clearInterval(sweeper);
      await manager.close();
    })();
    return closing;
  };
  const loaded = manager.loaded();
  log(`serve: ${loaded.length} model(s) ready (${loaded.map((m) => `${m.name} v${m.version} on ${m.provider}`).join(', ') || `none yet — publish one into ${root}`}); listening on ${url}`);
  return { url, server, manager, close };
}

/** On SIGTERM/SIGINT: graceful close, then exit 0 (a second signal exits at once with 1). */
export function exitOnSignals(running: RunningServer, log: (line: string) => void = console.log): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(1);
    stopping = true;
    log(`serve: ${signal} received; not ready any more, finishing in-flight requests`);
    running.close().then(
      () => {
        log('serve: stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log(`serve: error while stopping: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
