/** The CPU backend's public surface. */
export { corr2dCpu, forwardCpu } from './forward';
export { forwardLayerCpu } from './layer';
export { CpuLayerTrainer } from './layer-trainer';
export { createCpuBackend } from './backend';
export {
  createCpuPool,
  runBandTask,
  rowBands,
  sharedChunk,
  workersFor,
  POOL_MIN_MACS,
  TRAIN_POOL_MIN_MACS,
  trainPoolMinMacs,
} from './pool';
export type { BandPort, BandResult, BandRuns, BandTask, CpuPool } from './pool';
