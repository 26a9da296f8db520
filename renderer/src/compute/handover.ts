/**
 * Continuing a run on the CPU from a TrainerState (after a WebGPU device loss).
 *
 * Carried over exactly: weights, bias, step count, last gradients, divergence.
 * NOT carried: momentum velocity and Adam's moments/step count — core's CpuTrainer has no
 * way to accept them, so momentum and Adam restart their state (Adam's bias correction
 * restarts at t = 1). Plain SGD has no state and continues exactly.
 */
import { CpuTrainer } from '../../../core/cpu';
import type { BackendKind, DivergenceInfo, Trainer, TrainChunk, TrainSnapshot } from '../../../core/types';
import type { TrainerState } from './trainerState';
import { snapshotOf } from './trainerState';

/** Whether moving `state` to the CPU loses optimizer state (and so changes the trajectory). */
export function handoverLosesOptimizerState(state: TrainerState): boolean {
  return state.config.optimizer.kind !== 'sgd';
}

class ResumedCpuTrainer implements Trainer {
  readonly backend: BackendKind = 'cpu';
  private readonly inner: CpuTrainer;
  private readonly offset: number;
  private diverged: DivergenceInfo | undefined;

  constructor(private readonly state: TrainerState) {
    const { rows, cols } = state.config.initWeight;
    const kk = rows * cols;
    this.inner = new CpuTrainer({
      ...state.config,
      initWeight: { rows, cols, data: Float32Array.from(state.params.subarray(0, kk)) },
      initBias: state.params[kk],
    });
    this.offset = state.step;
    this.diverged = state.diverged;
  }

  async run(steps: number): Promise<TrainChunk> {
    if (this.diverged)
      return { firstStep: this.offset + 1, losses: new Float64Array(0), diverged: this.diverged };
    const chunk = await this.inner.run(steps);
    if (chunk.diverged)
      this.diverged = { step: chunk.diverged.step + this.offset, loss: chunk.diverged.loss };
    return {
      firstStep: chunk.firstStep + this.offset,
      losses: chunk.losses,
      ...(this.diverged ? { diverged: this.diverged } : {}),
    };
  }

  async snapshot(): Promise<TrainSnapshot> {
    const inner = await this.inner.snapshot();
    // Before its first step the CPU trainer has no gradient yet: keep the GPU's last one.
    if (inner.step === 0) return snapshotOf(this.state);
    return { ...inner, step: inner.step + this.offset };
  }

  dispose(): void {
    this.inner.dispose();
  }
}

export function cpuTrainerFromState(state: TrainerState): Trainer {
  return new ResumedCpuTrainer(state);
}
