/** Our CPU training on one thread against every core, for the CPU benches (the full one and the short one). */
import type { CpuPool } from '#core/cpu/index';
import { CpuLayerTrainer } from '#core/cpu/index';
import type { CpuKernels } from '#core/wasm/layer';
import type { TrainConfig } from '#core/types';
import type { TimingOptions } from './measure';
import { timeInTurns } from './measure';
import { oneKernelLayer } from '../../tests/helpers/one-kernel';

/**
 * `steps` steps of `config` on one thread and on every core (each step split into row bands over
 * `threads`' workers), timed in turns so load swings hit both alike; with `withJs`, a third turn
 * runs the JavaScript step on one thread (what the WebAssembly one replaced).
 */
export function trainInTurns(
  config: TrainConfig,
  steps: number,
  threads: CpuPool,
  options: TimingOptions,
  withJs = false,
): Promise<{ median_ms: number; runs: number }[]> {
  const all = async () => {
    const trainer = new CpuLayerTrainer(oneKernelLayer(config), undefined, threads);
    await trainer.run(steps);
    trainer.dispose();
  };
  // Each run is closed as the app closes it, which hands its WebAssembly instance to the next.
  const one = (kernels: CpuKernels) => () => {
    const trainer = new CpuLayerTrainer(oneKernelLayer(config), undefined, null, kernels);
    trainer.runSync(steps);
    trainer.dispose();
  };
  return timeInTurns([one('auto'), all, ...(withJs ? [one('js')] : [])], options);
}
