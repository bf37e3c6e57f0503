/** The stages onnxline has, by name. A stage a later issue builds is absent here and reported as not available. */
import type { Stage, StageName } from '../runner/stage.ts';
import { dataStage } from './data.ts';
import { trainStage } from './train.ts';
import { exportStage } from './export.ts';
import { validateStage } from './validate.ts';
import { publishStage } from './publish.ts';

export const stages: ReadonlyMap<StageName, Stage> = new Map<StageName, Stage>(
  [dataStage, trainStage, exportStage, validateStage, publishStage].map((s) => [s.name, s]),
);

/** Why a stage isn't available yet (the issue that builds it). */
export const notYetAvailable: Partial<Record<StageName, string>> = {};
