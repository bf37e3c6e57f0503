/** The stages onnxline has, by name. */
import type { Stage, StageName } from '../runner/stage.ts';
import { dataStage } from './data.ts';
import { trainStage } from './train.ts';
import { exportStage } from './export.ts';
import { validateStage } from './validate.ts';
import { publishStage } from './publish.ts';

export const stages: ReadonlyMap<StageName, Stage> = new Map<StageName, Stage>(
  [dataStage, trainStage, exportStage, validateStage, publishStage].map((s) => [s.name, s]),
);
