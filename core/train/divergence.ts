/** How a diverged run is told to the user: one line, with the step and what to do about it. */
import { KernelStudioError } from '../errors';
import type { DivergenceInfo } from '../types';

export function divergenceMessage(info: DivergenceInfo): string {
  return `Training diverged at step ${info.step} (loss ${info.loss}): lower the learning rate and start again.`;
}

/** The error a caller throws when it treats divergence as a failure (e.g. the CLI). */
export function divergedError(info: DivergenceInfo): KernelStudioError {
  return new KernelStudioError('diverged', divergenceMessage(info));
}
