/**
 * The evaluator's public surface: the server, the worker, the seed and the CLI import from here only.
 */
export { EvaluatorError, type EvaluatorErrorCode } from './errors.ts';
export type { ImageVolume, ImageGeometry, ComponentType, VoxelArray } from './io/image-volume.ts';
export { describeSize } from './io/image-volume.ts';
export { readVolume, DEFAULT_MAX_VOXELS, type ReadVolumeOptions } from './io/read-volume.ts';
export { VolumeBuffer } from './io/volume-buffer.ts';
export { writeWithItk as writeVolume } from './io/itk-volume.ts';
export { geometryMismatches, DEFAULT_GEOMETRY_TOLERANCE, type GeometryTolerance } from './io/check-geometry.ts';
export { prepareGold, type PrepareOptions } from './pipeline/prepare-gold.ts';
export type { PreparedGold, BranchTable } from './pipeline/prepared-gold.ts';
export { unrefinedParsing } from './pipeline/unrefined-parsing.ts';
export {
  writePreparedGold,
  readPreparedGold,
  encodePreparedGold,
  decodePreparedGold,
  preparedSummary,
  PREPARED_GOLD_FILE,
} from './pipeline/prepared-gold-file.ts';
export {
  scorePrediction,
  scoreSuites,
  EVALUATOR_SUITES,
  type CaseScore,
  type GenerationDetection,
  type EvaluatorSuite,
  type SuiteScores,
} from './pipeline/score-prediction.ts';
export type { Aiib23Score } from './pipeline/score-aiib23.ts';
export { AIIB23_METRIC_KEYS, type Aiib23Metrics } from './metrics/aiib23-metrics.ts';
export type { PhysicalMeasures } from './pipeline/physical-measures.ts';
export {
  officialMetrics,
  unroundedMetrics,
  OFFICIAL_KEYS,
  OFFICIAL_METRIC_KEYS,
  OFFICIAL_COUNT_KEYS,
  type MetricCounts,
} from './metrics/atm22-metrics.ts';
export { EVALUATOR_VERSION } from './version.ts';
export { logEvent } from './log.ts';
export { foregroundRuns, largestComponentRuns, runsToMask, type RunSet } from './kernels/largest-component.ts';
export { cropToFileOrder, boundingCrop, runsToCropMask, type CropBox } from './volume/crop.ts';
export type { Shape3 } from './volume/shape.ts';
export { StageClock, type StageTiming } from './pipeline/stages.ts';
// the viewer's leakage surface is drawn from the same leaking voxels that the leakage metric counts
export { leakageRuns } from './pipeline/leakage-runs.ts';
export * from './inference/index.ts';
