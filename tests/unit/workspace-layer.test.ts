import { describe, expect, it } from 'vitest';
import { fromRows, toRows } from '../../core/matrix';
import {
  DEFAULT_TRAINING,
  parseWorkspace,
  serializeWorkspace,
  WORKSPACE_VERSION,
  type WorkspaceDocument,
} from '../../core/workspace';
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

describe('workspace version 2: the full layer', () => {
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
    expect(doc.learnedWeight && toRows(doc.learnedWeight)).toEqual([[0.25, -0.75]]);
    expect(doc.learnedBias).toBe(0.125);
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
