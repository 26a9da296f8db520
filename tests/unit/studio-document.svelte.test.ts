import { describe, expect, it } from 'vitest';
import { forwardLayerCpu } from '#core/cpu/index';
import {
  addInputChannel,
  addOutputChannel,
  removeInputChannel,
  removeOutputChannel,
  withInputs,
  specOfLayer,
  stackChannels,
  stackKernels,
} from '#core/layer-stack';
import { rgbFromRgba } from '#core/grid-ops';
import { fromRows, toRows } from '#core/matrix';
import { channel } from '#core/tensor';
import { DOCUMENT_FIELDS, defaultDocument } from '#core/workspace/index';
import { StudioDocument } from '../../renderer/src/state/studio.svelte';
import { layerDocumentOf } from '../helpers/layer-documents';

describe('StudioDocument: the layer and its first channel', () => {
  it('x, k and bias read and write the first channel, kernel and bias', () => {
    const doc = new StudioDocument();
    Object.assign(doc, addOutputChannel(doc));
    Object.assign(doc, addInputChannel(doc));
    expect(doc.channels.length).toBe(2);
    expect(doc.kernels.length).toBe(2);
    expect(doc.kernels[1].length).toBe(2);
    doc.bias = 3;
    expect(doc.biases).toEqual([3, 0]);
    doc.k = fromRows([[2, 2]]);
    expect(toRows(doc.kernels[0][0])).toEqual([[2, 2]]);
    expect(toRows(doc.kernels[1][1])).toEqual([[0, 0]]);
  });

  it('a new X size crops or zero-pads the other channels, a new K size every kernel', () => {
    const doc = new StudioDocument();
    Object.assign(doc, addInputChannel(doc));
    doc.channels = [doc.channels[0], fromRows(Array.from({ length: 6 }, (_, r) => Array(8).fill(r)))];
    doc.x = fromRows([[1, 2, 3]]);
    expect(doc.channels.map(toRows)).toEqual([[[1, 2, 3]], [[0, 0, 0]]]);
    doc.k = fromRows([[1], [2]]);
    expect(doc.kernels[0].map(toRows)).toEqual([
      [[1], [2]],
      [[0], [0]],
    ]);
  });

  it('removing channels keeps X, the kernels and the biases consistent, and never removes the last', () => {
    const doc = new StudioDocument();
    Object.assign(doc, addInputChannel(doc));
    Object.assign(doc, addOutputChannel(doc));
    Object.assign(doc, removeInputChannel(doc, 0));
    Object.assign(doc, removeOutputChannel(doc, 1));
    expect(doc.channels.length).toBe(1);
    expect(doc.kernels.map((row) => row.length)).toEqual([1]);
    expect(doc.biases.length).toBe(1);
    expect(removeInputChannel(doc, 0).channels.length).toBe(1);
    expect(removeOutputChannel(doc, 0).kernels.length).toBe(1);
  });

  it('has every document field (DOCUMENT_FIELDS), starting at the core defaults', () => {
    const doc = new StudioDocument();
    const fields = Object.fromEntries(DOCUMENT_FIELDS.map((f) => [f, doc[f]]));
    expect(fields).toEqual(defaultDocument());
  });

  it("d2l's 2-channel example through the stacked arrays gives [[56, 72], [104, 120]]", () => {
    const doc = new StudioDocument();
    const { channels, kernels } = layerDocumentOf('twoChannels');
    doc.channels = channels;
    doc.kernels = kernels;
    const y = forwardLayerCpu(
      stackChannels(doc.channels),
      stackKernels(doc.kernels),
      doc.biases,
      specOfLayer(doc),
    );
    expect(toRows(channel(y, 0))).toEqual([
      [56, 72],
      [104, 120],
    ]);
  });

  it('a colour image becomes 3 channels (over white where transparent); every output gets a kernel per channel', () => {
    const rgb = rgbFromRgba([255, 0, 51, 255, 0, 0, 0, 0], 2, 1);
    expect(rgb.map((m) => toRows(m).map((row) => row.map((v) => Math.round(v * 1e6) / 1e6)))).toEqual([
      [[1, 1]],
      [[0, 1]],
      [[0.2, 1]],
    ]);
    const doc = new StudioDocument();
    Object.assign(doc, addOutputChannel(doc));
    doc.kernels = [[fromRows([[1, -1]])], [fromRows([[2, 2]])]];
    Object.assign(doc, withInputs(doc, rgb));
    expect(doc.channels).toBe(rgb);
    expect(doc.kernels.map((row) => row.map(toRows))).toEqual([
      [[[1, -1]], [[0, 0]], [[0, 0]]],
      [[[2, 2]], [[0, 0]], [[0, 0]]],
    ]);
  });
});
