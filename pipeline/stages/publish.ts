/**
 * The `publish` stage: copies the blessed ONNX model into the model repository as its next version
 * (idempotent for unchanged bytes) with config.json and a Triton config.pbtxt; refuses a model
 * that validation did not bless.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { hashFile } from '../runner/hash.ts';
import { writeJsonAtomic } from '../runner/atomic.ts';
import type { Stage } from '../runner/stage.ts';
import { publishModel } from '../publish/publish.ts';
import { BLESSED_ONNX_FILE, REPORT_FILE } from './validate.ts';

export const PUBLISHED_FILE = 'publish/published.json';

export const publishStage: Stage = {
  name: 'publish',
  description: 'publish the blessed ONNX model to the model repository',
  inputs: () => [BLESSED_ONNX_FILE, REPORT_FILE],
  outputs: () => [PUBLISHED_FILE],
  configSlice: () => ({}),
  async staleReason(ctx) {
    const published = JSON.parse(await readFile(ctx.path(PUBLISHED_FILE), 'utf8')) as { repositoryRoot?: string; modelPath?: string; sha256?: string };
    if (published.repositoryRoot !== ctx.options.repositoryRoot) return `it was published to ${published.repositoryRoot}, and this run publishes to ${ctx.options.repositoryRoot}`;
    if (!published.modelPath || !existsSync(published.modelPath) || (await hashFile(published.modelPath)) !== published.sha256) {
      return `the published model ${published.modelPath} is no longer in the repository`;
    }
    return null;
  },
  async run(ctx) {
    const report = JSON.parse(await readFile(ctx.path(REPORT_FILE), 'utf8')) as { blessed?: unknown; reasons?: unknown };
    const bytes = new Uint8Array(await readFile(ctx.path(BLESSED_ONNX_FILE)));
    const result = await publishModel({ repositoryRoot: ctx.options.repositoryRoot, name: ctx.config.recipe, bytes, report });
    await writeJsonAtomic(ctx.path(PUBLISHED_FILE), {
      name: result.name,
      version: result.version,
      created: result.created,
      modelPath: result.modelPath,
      sha256: result.sha256,
      repositoryRoot: ctx.options.repositoryRoot,
    });
    ctx.log(
      result.created
        ? `publish: ${result.name} version ${result.version} → ${result.modelPath}`
        : `publish: ${result.name} version ${result.version} already holds these bytes; nothing new published (${result.modelPath})`,
    );
    return { name: result.name, version: result.version, created: result.created, sha256: result.sha256 };
  },
};
