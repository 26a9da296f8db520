import { describe, expect, it } from 'vitest';
import { fromRows, toRows } from '#core/matrix';
import { kernelOf } from '#core/tensor';
import {
  DEFAULT_TRAINING,
  defaultDocument,
  parseWorkspace,
  serializeWorkspace,
  WORKSPACE_VERSION,
  type WorkspaceDocument,
} from '#core/workspace/index';
import { layerDocumentOf } from '../helpers/layer-documents';
import { errorOf } from './workspace-samples';

/** A version-1 file as Kernel Studio 0.1 wrote it (one channel, one kernel, one bias). */
const V1 = {
  format: 'kernel-studio-workspace',
  version: 1,
  savedBy: 'Kernel Studio 0.1.0',
  document: {
    x: [
      [1, 2, 3],
      [4, 5, 6],
    ],
    k: [[1, -1]],
    bias: 0.5,
    mode: 'convolve',
    activation: 'relu',
    drawnTarget: null,
    training: { ...DEFAULT_TRAINING, initWeight: [[0, 0]] },
    learnedWeight: [[0.25, -0.75]],
    learnedBias: 0.125,
  },
  runs: [],
};

/** d2l's 2-channel example with 2 outputs, stride 2, padding 1 and dilation 2. */
function layerDocument(): WorkspaceDocument {
  const d2l = layerDocumentOf('twoChannels');
  const [k0, k1] = d2l.kernels[0];
  return {
    ...d2l,
    channels: [
      ...d2l.channels,
      fromRows([
        [0, 0, 0],
        [0, 1, 0],
        [0, 0, 0],
      ]),
    ],
    kernels: [
      [
        k0,
        k1,
        fromRows([
          [0, 0],
          [0, 1],
        ]),
      ],
      [
        k1,
        fromRows([
          [2, 3],
          [4, 5],
        ]),
        fromRows([
          [1, 0],
          [0, 0],
        ]),
      ],
    ],
    biases: [0.5, -1],
    stride: [2, 2],
    padding: [1, 1],
    dilation: [2, 2],
  };
}

describe('workspace versions 2 and 3: the full layer and the learned layer', () => {
  it('opens a version-1 file as a one-channel valid layer with every other field unchanged', () => {
    const doc = parseWorkspace(JSON.stringify(V1), 'old.kstudio');
    expect(doc.channels.map(toRows)).toEqual([V1.document.x]);
    expect(doc.kernels.map((row) => row.map(toRows))).toEqual([[V1.document.k]]);
    expect(doc.biases).toEqual([0.5]);
    expect(doc.stride).toEqual([1, 1]);
    expect(doc.padding).toEqual([0, 0]);
    expect(doc.dilation).toEqual([1, 1]);
    expect(doc.mode).toBe('convolve');
    expect(doc.activation).toBe('relu');
    expect(doc.learnedWeight && toRows(kernelOf(doc.learnedWeight, 0, 0))).toEqual([[0.25, -0.75]]);
    expect(doc.learnedBias).toEqual([0.125]);
    // Saving writes the current version, which reopens to the same document.
    const text = serializeWorkspace(doc);
    expect((JSON.parse(text) as { version: number }).version).toBe(WORKSPACE_VERSION);
    expect(parseWorkspace(text, 'new.kstudio')).toEqual(doc);
  });

  it('saves and reopens a 3-channel, 2-output, stride 2, padding 1, dilation 2 layer byte for byte', () => {
    const text = serializeWorkspace(layerDocument(), 'test');
    const back = parseWorkspace(text, 'layer.kstudio');
    expect(back).toEqual(layerDocument());
    expect(serializeWorkspace(back, 'test')).toBe(text);
    expect(text).toContain('"stride": [2, 2]');
    expect(text).toContain('"bias": [0.5, -1]');
  });

  it('saves and reopens a learned 2×3×1×2 layer, its 2 biases and its run state exactly', () => {
    const doc: WorkspaceDocument = {
      ...layerDocument(),
      learnedWeight: {
        outChannels: 2,
        inChannels: 3,
        rows: 1,
        cols: 2,
        data: Float32Array.of(0.5, -0.25, 1, 2, 3, 4, -1, -2, -3, -4, 0.125, 7),
      },
      learnedBias: [0.75, -0.5],
      trainer: {
        runId: 'run-9',
        step: 4,
        params: [0.5, -0.25, 1, 2, 3, 4, -1, -2, -3, -4, 0.125, 7, 0.75, -0.5],
        grads: Array.from({ length: 14 }, (_, i) => i / 8),
        moment1: Array.from({ length: 14 }, (_, i) => -i / 16),
        moment2: Array.from({ length: 14 }, (_, i) => i / 32),
      },
    };
    const text = serializeWorkspace(doc, 'test');
    const file = JSON.parse(text) as { document: { learnedWeight: unknown; learnedBias: unknown } };
    expect(file.document.learnedWeight).toEqual([
      [[[0.5, -0.25]], [[1, 2]], [[3, 4]]],
      [[[-1, -2]], [[-3, -4]], [[0.125, 7]]],
    ]);
    expect(file.document.learnedBias).toEqual([0.75, -0.5]);
    const back = parseWorkspace(text, 'learned.kstudio');
    expect(back).toEqual(doc);
    expect(serializeWorkspace(back, 'test')).toBe(text);
  });

  it('opens a version-2 file (one learned grid, one bias) as a learned 1×1×kh×kw layer, and a null one as nothing learned', () => {
    const v2 = JSON.parse(serializeWorkspace(defaultDocument())) as {
      version: number;
      document: Record<string, unknown>;
    };
    v2.version = 2;
    v2.document.learnedWeight = [[0.25, -0.75]];
    v2.document.learnedBias = 0.125;
    const doc = parseWorkspace(JSON.stringify(v2), 'v2.kstudio');
    expect(doc.learnedWeight && [doc.learnedWeight.outChannels, doc.learnedWeight.inChannels]).toEqual([
      1, 1,
    ]);
    expect(doc.learnedWeight && toRows(kernelOf(doc.learnedWeight, 0, 0))).toEqual([[0.25, -0.75]]);
    expect(doc.learnedBias).toEqual([0.125]);
    v2.document.learnedWeight = null;
    v2.document.learnedBias = 0;
    const none = parseWorkspace(JSON.stringify(v2), 'v2.kstudio');
    expect(none.learnedWeight).toBeNull();
    expect(none.learnedBias).toEqual([]);
    // Version 2 cannot hold a layer: this build writes version 3, which an older build refuses by name.
    expect((JSON.parse(serializeWorkspace(doc)) as { version: number }).version).toBe(3);
  });

  it('refuses arrays that disagree, naming where', () => {
    const json = () =>
      JSON.parse(serializeWorkspace(layerDocument())) as { document: Record<string, unknown> };
    const cases: [string, (d: Record<string, unknown>) => void, RegExp][] = [
      [
        'channel size',
        (d) => ((d.x as unknown[])[1] = [[1]]),
        /document\.x\[1\]: channel 2 is 1×1 but channel 1 is 3×3/,
      ],
      [
        'kernels per output',
        (d) => ((d.k as unknown[][])[1] = (d.k as unknown[][])[1].slice(0, 2)),
        /document\.k\[1\]: output channel 2 has 2 kernels but X has 3 channels/,
      ],
      [
        'kernel size',
        (d) => ((d.k as unknown[][])[0][2] = [[1]]),
        /document\.k\[0\]\[2\]: this kernel is 1×1 but the first is 2×2/,
      ],
      ['bias count', (d) => (d.bias = [1]), /document\.bias: 1 biases for 2 output channels/],
      ['stride 0', (d) => (d.stride = [0, 1]), /document\.stride\[0\]/],
      ['padding 65', (d) => (d.padding = [1, 65]), /document\.padding\[1\]/],
      [
        'learned kernels per output',
        (d) => ((d.learnedWeight = [[[[1]]]]), (d.learnedBias = [0])),
        /document\.learnedWeight\[0\]: output channel 1 has 1 kernels but X has 3 channels/,
      ],
      [
        'learned bias count',
        (d) => ((d.learnedWeight = [[[[1]], [[2]], [[3]]]]), (d.learnedBias = [0, 1])),
        /document\.learnedBias: 2 biases for 1 output channels/,
      ],
    ];
    for (const [name, edit, message] of cases) {
      const file = json();
      edit(file.document);
      const e = errorOf(() => parseWorkspace(JSON.stringify(file), 'bad.kstudio'));
      expect(e.code, name).toBe('format');
      expect(e.message, name).toMatch(message);
    }
  });
});
