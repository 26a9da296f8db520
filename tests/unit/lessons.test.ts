import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { oneByOneProduct } from '#core/layer-flow';
import { layerForwardRef, trainLayerRef } from '#core/layer-reference';
import { outputShape } from '#core/layer';
import { specOfLayer, stackChannels, stackKernels } from '#core/layer-stack';
import { GAUSSIAN_3X3, LESSONS, lessonById, stepKey, type LessonStep } from '#core/lessons';
import { documentState, type DocumentState } from '#core/presets';
import { toRows } from '#core/matrix';
import { trainingSetup } from '#core/train/setup';
import { defaultDocument, DOCUMENT_FIELDS } from '#core/workspace/model';
import { lessonsEn } from '../../renderer/src/i18n/lessons.en';
import { lessonsZh } from '../../renderer/src/i18n/lessons.zh';

const golden = (name: string) =>
  JSON.parse(readFileSync(new URL(`../golden/${name}.json`, import.meta.url), 'utf8')) as {
    expected: { y?: number[][] | number[][][]; loss?: number[]; weight?: number[][] };
  };

/** The layer's Y (reference, float64) as one nested grid per output channel. */
/** The whole state a step puts the document in, from New's document. */
const whole = (step: LessonStep): DocumentState => documentState(step.state, defaultDocument());

function forward(s: DocumentState): number[][][] {
  const spec = specOfLayer(s);
  const { rows, cols } = outputShape(spec, s.channels[0]);
  const y = layerForwardRef(stackChannels(s.channels), stackKernels(s.kernels), s.biases, spec);
  return s.kernels.map((_, o) =>
    Array.from({ length: rows }, (_, i) =>
      Array.from(y.slice((o * rows + i) * cols, (o * rows + i + 1) * cols)),
    ),
  );
}

const steps = LESSONS.flatMap((lesson) =>
  lesson.steps.map((step) => ({ name: stepKey(lesson, step), lesson, step })),
);

describe('lessons', () => {
  it('cover every code cell of d2l 7.2, 7.3 and 7.4', () => {
    expect(lessonById('s72').steps.map((s) => s.id)).toEqual(
      expect.arrayContaining(['corr2d', 'conv2d', 'edgeImage', 'edgeKernel', 'edgeTransposed', 'learn']),
    );
    expect(lessonById('s72').steps.map((s) => s.id)).toEqual(
      expect.arrayContaining(['convolution', 'receptiveField']),
    );
    expect(lessonById('s73').steps.map((s) => s.id)).toEqual(
      expect.arrayContaining(['padSame', 'padRect', 'strideTwo', 'strideRect']),
    );
    expect(lessonById('s74').steps.map((s) => s.id)).toEqual(
      expect.arrayContaining(['multiIn', 'multiOut', 'oneByOne']),
    );
  });

  it.each(steps)('$name makes a whole state (every layer field, Train settings)', ({ step }) => {
    const s = whole(step);
    for (const field of DOCUMENT_FIELDS.slice(0, 8)) expect(s).toHaveProperty(field);
    expect(s).toHaveProperty('training');
    // Whatever the user's settings were, a training step runs its own.
    if (step.state.training)
      expect(
        documentState(step.state, {
          ...defaultDocument(),
          training: { ...defaultDocument().training, lr: 9, steps: 3 },
        }).training,
      ).toEqual(s.training);
  });

  it.each(steps.filter(({ step }) => step.book?.y))('$name: Y is the book’s', ({ step }) => {
    expect(forward(whole(step))).toEqual(step.book!.y);
  });

  it('the book’s numbers are PyTorch’s (golden cases)', () => {
    const at = (l: string, s: string) => lessonById(l as 's72').steps.find((x) => x.id === s)!.book!;
    expect(at('s72', 'corr2d').y).toEqual([golden('corr2d_sanity').expected.y]);
    expect(at('s72', 'conv2d').y).toEqual([golden('conv2d_bias_relu').expected.y]);
    expect(at('s72', 'edgeKernel').y).toEqual([golden('edge_vertical').expected.y]);
    expect(at('s72', 'edgeTransposed').y).toEqual([golden('edge_transposed').expected.y]);
    expect(at('s72', 'convolution').y).toEqual([golden('convolve_sanity').expected.y]);
    expect(at('s74', 'multiIn').y).toEqual([golden('layer/layer_multi_in').expected.y]);
    expect(at('s74', 'multiOut').y).toEqual(golden('layer/layer_multi_out').expected.y);
    const loop = golden('learn_kernel_d2l').expected;
    expect(at('s72', 'learn').losses).toEqual(
      [2, 4, 6, 8, 10].map((step) => ({ step, loss: loop.loss![step - 1] })),
    );
    expect(at('s72', 'learn').weight).toEqual(loop.weight);
  });

  it.each(steps.filter(({ step }) => step.book?.shape))('$name: the shape is the book’s', ({ step }) => {
    const s = whole(step);
    const out = outputShape(specOfLayer(s), s.channels[0]);
    expect([out.rows, out.cols]).toEqual(step.book!.shape);
  });

  it('the learning step runs d2l’s loop: its losses and kernel are the book’s', () => {
    const step = lessonById('s72').steps.find((s) => s.id === 'learn')!;
    const s = whole(step);
    const { config } = trainingSetup({ ...s, drawnTarget: null });
    const r = trainLayerRef(config, s.training.steps);
    for (const { step: n, loss } of step.book!.losses!) expect(r.losses[n - 1]).toBeCloseTo(loss, 5);
    expect(Array.from(r.weight)).toEqual(step.book!.weight![0].map((v) => expect.closeTo(v, 5)));
  });

  it('the 1×1 convolution equals W (O×C) times X reshaped to C×HW', () => {
    const step = lessonById('s74').steps.find((s) => s.id === 'oneByOne')!;
    const product = oneByOneProduct(whole(step))!;
    expect(product.w.rows * product.w.cols).toBe(6);
    expect(product.x.rows).toBe(3);
    expect(toRows(product.y)).toEqual(step.book!.y!.map((g) => g.flat()));
    // Not a 1×1 layer: no product.
    expect(oneByOneProduct(whole(lessonById('s74').steps.find((s) => s.id === 'multiIn')!))).toBeNull();
  });

  it('the practitioner’s lesson learns the blur back from the picture pair', () => {
    const step = lessonById('practice').steps.find((s) => s.id === 'learnFilter')!;
    const s = whole(step);
    const { config } = trainingSetup({ ...s, drawnTarget: null });
    const r = trainLayerRef(config, s.training.steps);
    const err = Math.max(...Array.from(r.weight).map((v, i) => Math.abs(v - GAUSSIAN_3X3.data[i])));
    expect(r.losses[r.losses.length - 1]).toBeLessThan(r.losses[0] / 100);
    expect(err).toBeLessThan(0.01);
  });

  it('every step has a title and a text in English and 简体中文', () => {
    for (const { lesson, step } of steps) {
      const key = stepKey(lesson, step);
      for (const catalog of [lessonsEn, lessonsZh] as Record<string, string>[]) {
        expect(catalog[`lesson.${key}.title`], key).toBeTruthy();
        expect(catalog[`lesson.${key}.text`], key).toBeTruthy();
      }
    }
  });
});
