/** Test documents built from the app's own presets (core/presets.ts), so the d2l data is written once. */
import { forwardLayerCpu } from '#core/cpu/index';
import { stackChannels, stackKernels, specOfLayer } from '#core/layer-stack';
import { presetById, presetState } from '#core/presets';
import type { Tensor3 } from '#core/tensor';
import { defaultDocument, defaultLayer, wholeLayer, type WorkspaceDocument } from '#core/workspace/index';

/** The default document holding preset `id` as a whole layer (what it does not name from the defaults), applied on top of `current`'s X. */
export function layerDocumentOf(id: string, current = defaultLayer()): WorkspaceDocument {
  const preset = presetById(id);
  if (!preset) throw new Error(`No preset ${id}`);
  return { ...defaultDocument(), ...wholeLayer(presetState(preset, current)) };
}

/** The layer's Y (every output channel) on the CPU reference. */
export function layerY(doc: WorkspaceDocument): Tensor3 {
  return forwardLayerCpu(
    stackChannels(doc.channels),
    stackKernels(doc.kernels),
    doc.biases,
    specOfLayer(doc),
  );
}
