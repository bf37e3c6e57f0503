/**
 * What the server publishes: the ready models (KServe v2 repository index), each model's
 * served config.json (labels, preprocessing, tensors) and the URLs of its ONNX file and
 * classify endpoint. All URLs are relative to the page, so the demo works behind any prefix.
 */
import type { ImageInputSpec } from '../../pipeline/preprocess/spec.ts';

export interface TensorInfo {
  name: string;
  datatype: string;
  shape: number[];
}

/** A published model as the demo uses it. */
export interface DemoModel {
  name: string;
  version: string;
  labels: string[];
  /** The image preprocessing; undefined for models that do not take an image (listed, not selectable). */
  preprocessing?: ImageInputSpec;
  input: TensorInfo;
  output: TensorInfo;
  onnxUrl: string;
  classifyUrl: string;
}

interface ServedConfig {
  labels?: string[];
  preprocessing?: ImageInputSpec;
  inputs?: TensorInfo[];
  outputs?: TensorInfo[];
}

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  if (!res.ok) {
    const detail = await res.text().catch(() => '');
    throw new Error(`${init?.method ?? 'GET'} ${url} answered ${res.status}: ${detail.slice(0, 200) || res.statusText}`);
  }
  return (await res.json()) as T;
}

/** Lists the server's ready models (digits first, then by name) with their served configs. */
export async function listModels(base = './'): Promise<DemoModel[]> {
  const index = await json<{ name: string; version?: string; state: string }[]>(new URL('v2/repository/index', new URL(base, location.href)).href, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ready: true }),
  });
  const models = await Promise.all(
    index
      .filter((e) => e.state === 'READY' && e.version)
      .map(async (e): Promise<DemoModel | null> => {
        const root = new URL(`models/${encodeURIComponent(e.name)}/`, new URL(base, location.href));
        const config = await json<ServedConfig>(new URL('config.json', root).href).catch(() => null);
        const input = config?.inputs?.[0];
        const output = config?.outputs?.[0];
        if (!config || !input || !output) return null;
        return {
          name: e.name,
          version: e.version!,
          labels: config.labels ?? [],
          ...(config.preprocessing ? { preprocessing: config.preprocessing } : {}),
          input,
          output,
          onnxUrl: new URL(`${e.version}/model.onnx`, root).href,
          classifyUrl: new URL(`v1/models/${encodeURIComponent(e.name)}:classify?top_k=5`, new URL(base, location.href)).href,
        };
      }),
  );
  return models.filter((m): m is DemoModel => m !== null).sort((a, b) => (a.name === 'digits' ? -1 : b.name === 'digits' ? 1 : a.name.localeCompare(b.name)));
}

/**
 * Why a drawing cannot be classified by `m`, or null when it can: the demo needs one grayscale
 * image in (pixels scaled 0..1) and one class per label out. Pairs of digits (2 channels), letter
 * sequences (10 stacked images, a token per step) and text models are listed but not selectable.
 */
export function notDrawable(m: DemoModel): string | null {
  const p = m.preprocessing;
  if (!p || p.scale !== '0..1') return 'not an image model';
  if (p.size[2] !== 1) return `takes ${p.size[2]}-channel input`;
  const classes = m.output.shape.slice(1);
  if (classes.length !== 1 || (classes[0]! > 0 && classes[0] !== m.labels.length)) return 'not one class per drawing';
  if (p.size[0] > 4 * p.size[1] || p.size[1] > 4 * p.size[0]) return 'not one drawing';
  return null;
}

/** One answer of the server's classify endpoint. */
export interface ServerPrediction {
  label: string;
  probability: number;
}

/** Sends a PNG to `POST /v1/models/{m}:classify` and returns its top-5 with the round-trip time. */
export async function classifyOnServer(model: DemoModel, png: Blob): Promise<{ predictions: ServerPrediction[]; ms: number }> {
  const t0 = performance.now();
  const body = await json<{ predictions: ServerPrediction[] }>(model.classifyUrl, { method: 'POST', headers: { 'content-type': 'image/png' }, body: png });
  return { predictions: body.predictions, ms: performance.now() - t0 };
}
