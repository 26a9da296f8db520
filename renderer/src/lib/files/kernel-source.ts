import { forwardLayerCpu } from '#core/cpu/layer';
import type { LayerExport } from '#core/formats/index';
import { specOfLayer, stackChannels, stackKernels } from '#core/layer-stack';
import { specForWeights } from '#core/layer-types';
import type { Matrix } from '#core/matrix';
import { KernelStudioError } from '#core/errors';
import { channel, kernelOf, type Tensor3, type Weights } from '#core/tensor';
import { targetY } from '#core/train/setup';
import type { StudioDocument } from '../../state/studio.svelte';

/** The grids Export saves as PNG: X, the target Y, the learned layer's Ŷ. */
export type ExportImage = 'x' | 'y' | 'yhat';

export interface LayerSource extends LayerExport {
  readonly learned: boolean;
}

/**
 * What Export saves: the learned layer (O×C×kh×kw weights, O biases) with the document's
 * stride, padding, dilation, mode and activation, or the document's own layer (K and its
 * biases) when nothing is learned yet.
 */
export function layerToExport(doc: StudioDocument): LayerSource {
  const w = doc.learnedWeight;
  if (w) {
    const { stride, padding, dilation, mode, activation } = doc;
    const spec = specForWeights(w, { stride, padding, dilation, mode, activation });
    return { weight: w, bias: doc.learnedBias, spec, learned: true };
  }
  return { weight: stackKernels(doc.kernels), bias: doc.biases, spec: specOfLayer(doc), learned: false };
}

/** "[[1, -1], [0, 2]]": a compact view of a small kernel. */
export function describeKernel(m: Matrix): string {
  const rows: string[] = [];
  for (let r = 0; r < m.rows; r++)
    rows.push(`[${Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols)).join(', ')}]`);
  return `${m.rows}×${m.cols} [${rows.join(', ')}]`;
}

/** One kernel as `describeKernel` writes it; a layer as its O×C×kh×kw shape and biases. */
export function describeWeights(w: Weights, bias: ArrayLike<number>): string {
  if (w.outChannels * w.inChannels === 1) return describeKernel(kernelOf(w, 0, 0));
  return `${w.outChannels}×${w.inChannels}×${w.rows}×${w.cols} (out×in×kh×kw), bias [${Array.from(bias).join(', ')}]`;
}

/**
 * The grids Export saves as PNG (output channel `o` of Y and Ŷ): X's first channel; Y, the
 * training target (core's targetY, the one training learns: the drawn Y, or the layer with K
 * + the target bias); Ŷ from the learned layer (null before any run).
 */
export function exportGrid(doc: StudioDocument, which: ExportImage, o = 0): Matrix | null {
  if (which === 'x') return doc.x;
  if (which === 'y') return outputChannel(targetY(doc), o, 'Y');
  const source = layerToExport(doc);
  if (!source.learned) return null;
  const yHat = forwardLayerCpu(stackChannels(doc.channels), source.weight, source.bias, source.spec);
  return outputChannel(yHat, o, 'Ŷ');
}

/** Output channel `o` of `t`, or an error that says how many there are. */
function outputChannel(t: Tensor3, o: number, name: string): Matrix {
  if (!Number.isInteger(o) || o < 0 || o >= t.channels)
    throw new KernelStudioError(
      'invalid-argument',
      `${name} has ${t.channels} output channel${t.channels === 1 ? '' : 's'}; there is no output ${o + 1}.`,
    );
  return channel(t, o);
}

/** The name Export suggests for an image: "y.png", or with several output channels the one it holds ("y-output2.png"). */
export function pngName(which: ExportImage, o: number, outputs: number): string {
  return which === 'x' || outputs < 2 ? `${which}.png` : `${which}-output${o + 1}.png`;
}
