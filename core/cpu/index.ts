/** The CPU backend's public surface. */
export { corr2dCpu, forwardCpu } from './forward';
export { CpuTrainer } from './trainer';
export type { TrainerResumeState } from './trainer';
export { createCpuBackend } from './backend';
