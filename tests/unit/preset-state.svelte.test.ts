/**
 * Bug 1 of issue 22: a preset is a whole document state. What it does not name comes from the
 * defaults (one channel, stride 1, padding 0, dilation 1, bias 0), never from the previous
 * document, and one Undo takes it back whole, Train settings included.
 */
import { describe, expect, it } from 'vitest';
import { addInputChannel, addOutputChannel } from '#core/layer-stack';
import { fromRows, toRows } from '#core/matrix';
import { documentState, presetById } from '#core/presets';
import { toNested3 } from '#core/tensor';
import { DEFAULT_TRAINING, defaultDocument, defaultLayer, wholeLayer } from '#core/workspace/index';
import { exploreSetup } from '../helpers/explore-session';
import { layerY } from '../helpers/layer-documents';

function setup() {
  const { doc, session, choice } = exploreSetup();
  const apply = (id: string) => choice.apply(presetById(id)!);
  const y = () => toNested3(layerY({ ...defaultDocument(), ...session.snapshot() }));
  return { doc, session, apply, y };
}

describe('a preset is a whole document state', () => {
  it('"Stride 2" then "Sanity test" gives the note\'s Y = [[19, 25], [37, 43]]', () => {
    const { doc, apply, y } = setup();
    apply('strideTwo');
    apply('sanity');
    expect(y()).toEqual([
      [
        [19, 25],
        [37, 43],
      ],
    ]);
    expect([doc.stride, doc.padding, doc.dilation, doc.biases]).toEqual([[1, 1], [0, 0], [1, 1], [0]]);
  });

  it('"Stride (3, 4)", an input and an output channel added, then "Vertical edges": one 6×7 channel', () => {
    const { doc, session, apply, y } = setup();
    apply('strideRect');
    session.edit(addInputChannel(doc));
    session.edit(addOutputChannel(doc));
    expect([doc.channels.length, doc.kernels.length]).toEqual([2, 2]);
    apply('edge');
    const out = y();
    expect([out.length, out[0].length, out[0][0].length]).toEqual([1, 6, 7]);
    expect(doc.channels.length).toBe(1);
  });

  it('"Padding (2, 1), 5×3" then "Sobel x": no padding, a 3×3 K on one channel', () => {
    const { doc, apply, y } = setup();
    apply('padRect');
    apply('sobelX');
    expect(doc.padding).toEqual([0, 0]);
    const out = y();
    expect(out.length).toBe(1);
    expect([out[0].length, out[0][0].length]).toEqual([doc.x.rows - 2, doc.x.cols - 2]);
  });

  it('one Undo takes a layer preset back whole, Train settings included', () => {
    const { doc, session, apply } = setup();
    apply('sanity');
    const before = { ...session.snapshot(), training: doc.training };
    apply('strideTwo');
    expect(doc.training.kernelRows).toBe(3);
    session.undo();
    expect({ ...session.snapshot(), training: doc.training }).toEqual(before);
  });

  it('Sobel x on an imported colour photo keeps the photo and filters each channel', () => {
    const { doc, session, apply, y } = setup();
    const r = fromRows(
      Array.from({ length: 10 }, () => Array.from({ length: 10 }, (_, j) => (j > 4 ? 1 : 0))),
    );
    const g = fromRows(Array.from({ length: 10 }, () => Array(10).fill(0.5)));
    session.edit({ channels: [r, g, r], kernels: [[doc.k, doc.k, doc.k]], stride: [2, 2] });
    apply('sobelX');
    expect(doc.channels).toEqual([r, g, r]);
    expect(doc.stride).toEqual([1, 1]);
    const out = y();
    expect(out.length).toBe(3);
    // The red channel's edge is seen in output 1; the flat green gives zeros in output 2.
    expect(out[0][0]).toEqual([0, 0, 0, 4, 4, 0, 0, 0]);
    expect(out[1].flat().every((v) => v === 0)).toBe(true);
  });
});

describe('documentState (core)', () => {
  it('fills what a state does not name from the defaults', () => {
    const k = fromRows([[1, 2]]);
    const s = documentState({ kernels: [[k]] }, { training: DEFAULT_TRAINING, drawnTarget: null });
    const d = defaultLayer();
    expect(s.channels).toEqual(d.channels);
    expect([s.stride, s.padding, s.dilation, s.biases, s.mode, s.activation]).toEqual([
      d.stride,
      d.padding,
      d.dilation,
      [0],
      d.mode,
      d.activation,
    ]);
    expect([s.training.kernelRows, s.training.kernelCols]).toEqual([1, 2]);
  });

  it('keeps the Train settings a state names over the fitted ones', () => {
    const s = documentState(
      { training: { lr: 0.5, steps: 7 } },
      { training: DEFAULT_TRAINING, drawnTarget: null },
    );
    expect([s.training.lr, s.training.steps]).toEqual([0.5, 7]);
  });

  it('refuses kernels that do not fit the channels, with a one-line error', () => {
    expect(() =>
      wholeLayer({ channels: [fromRows([[1]]), fromRows([[2]])], kernels: [[fromRows([[1]])]] }),
    ).toThrow(/2 input channel\(s\) needs 2 kernel\(s\) per output/);
    expect(toRows(wholeLayer({}).kernels[0][0])).toEqual(toRows(defaultLayer().kernels[0][0]));
  });
});

describe('the channel X, K and Y show (bug 5)', () => {
  it('is the one picked, within the layer: a preset with fewer channels shows its last one', () => {
    const { session, apply } = setup();
    apply('threeOutputs');
    session.shownInput = 1;
    session.shownOutput = 2;
    expect([session.shownInput, session.shownOutput]).toEqual([1, 2]);
    apply('sanity');
    expect([session.shownInput, session.shownOutput]).toEqual([0, 0]);
  });
});
