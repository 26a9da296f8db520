/** Test documents built from the app's own layer presets (core/presets.ts), so the d2l data is written once. */
import type { Pair } from '#core/layer';
import { LAYER_PRESETS } from '#core/presets';
import { defaultDocument, type WorkspaceDocument } from '#core/workspace/index';

/** The default document holding layer preset `id` (zero biases; the preset's stride and padding). */
export function layerDocumentOf(id: string): WorkspaceDocument {
  const preset = LAYER_PRESETS.find((p) => p.id === id);
  if (!preset) throw new Error(`No layer preset ${id}`);
  return {
    ...defaultDocument(),
    channels: [...preset.channels],
    kernels: preset.kernels.map((row) => [...row]),
    biases: preset.kernels.map(() => 0),
    stride: (preset.stride ?? [1, 1]) as Pair,
    padding: (preset.padding ?? [0, 0]) as Pair,
  };
}
