/**
 * Continuing a run on another backend (after a WebGPU device loss, a full GPU or the
 * user's choice) from its exported state.
 *
 * Everything is carried over: weights, biases, step count, last gradients,
 * divergence, and the optimizer's state (momentum's velocity, Adam's m and v,
 * with Adam's bias correction continuing from the same step). The run goes on
 * exactly as if it had never left, for SGD, momentum and Adam alike.
 */
import type { ComputeBackend, LayerTrainConfig, LayerTrainer } from '#core/layer-types';

/**
 * Continues `old` on `backend` with its whole state. Null when the backend cannot
 * take it; `old` is left as it was, the caller disposes it.
 */
export async function moveTrainer(
  old: LayerTrainer,
  config: LayerTrainConfig,
  backend: ComputeBackend,
): Promise<{ trainer: LayerTrainer; step: number } | null> {
  try {
    const state = old.exportState();
    return { trainer: await backend.createLayerTrainer(config, state), step: state.step };
  } catch {
    // The run could not be exported, or the new backend could not take it: it stays where it was.
    return null;
  }
}
