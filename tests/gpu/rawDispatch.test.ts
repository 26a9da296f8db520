/**
 * The trainer dispatches our programs raw (gpu/rawProgram.ts: its own bind groups and uniform
 * buffer, laid out as tfjs lays them out). Against the same programs run through tfjs's
 * runWebGPUProgram, step by step, the losses and the state must agree bit for bit.
 */
import { describe, expect, test } from 'vitest';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { randomMatrix } from '#core/random';
import type { OptimizerKind, TrainConfig } from '#core/types';
import { uniformLayout } from '../../gpu/rawProgram';
import { TrainPartialsProgram } from '../../gpu/programs/trainPartialsProgram';
import { TrainReduceUpdateProgram } from '../../gpu/programs/trainReduceUpdateProgram';
import { TrainSingleWorkgroupProgram } from '../../gpu/programs/trainSingleWorkgroupProgram';
import { TrainStripPartialsProgram, fitsStripTraining } from '../../gpu/programs/trainStripPartialsProgram';
import type { StateLayout } from '../../gpu/stateLayout';
import { stateLayout } from '../../gpu/stateLayout';
import { optimizerUniforms, stepScalarTable, stepScalarUniforms } from '../../gpu/stepLoop';
import type { TrainPath } from '../../gpu/trainer';
import { webgpuBackend } from './webgpuHarness';
import { oneKernelLayer } from '../helpers/one-kernel';

type U = { type: 'float32' | 'int32'; data: number[] };
const f = (v: number): U => ({ type: 'float32', data: [v] });
const i = (v: number): U => ({ type: 'int32', data: [v] });

function configOf(rows: number, cols: number, kh: number, kw: number, optimizer: OptimizerKind): TrainConfig {
  return {
    x: randomMatrix(rows, cols, 3, -1, 1),
    y: randomMatrix(rows - kh + 1, cols - kw + 1, 4, -1, 1),
    mode: 'convolve',
    activation: 'relu',
    useBias: true,
    loss: 'mean',
    optimizer: { kind: optimizer, lr: 0.02 },
    initWeight: randomMatrix(kh, kw, 5, -0.3, 0.3),
    initBias: 0.1,
  };
}

function initialState(layout: StateLayout, c: TrainConfig): Float32Array {
  const state = new Float32Array(layout.length);
  state.set(c.initWeight.data, layout.params);
  state[layout.params + layout.kernelSize] = c.initBias;
  state.set(state.subarray(layout.params, layout.params + layout.paramCount), layout.lastFinite);
  return state;
}

/** The same steps through tfjs's runWebGPUProgram (what the trainer did before it went raw). */
async function throughTfjs(c: TrainConfig, path: TrainPath, steps: number): Promise<Float32Array> {
  const tfb = (await webgpuBackend()).context.tfBackend;
  const { x, y, initWeight: w, optimizer: o } = c;
  const layout = stateLayout(w.rows, w.cols);
  const spec = {
    outRows: y.rows,
    outCols: y.cols,
    kh: w.rows,
    kw: w.cols,
    mode: c.mode,
    activation: c.activation,
  };
  const img = tfb.makeTensorInfo([x.rows, x.cols], 'float32', new Float32Array(x.data));
  const tgt = tfb.makeTensorInfo([y.rows, y.cols], 'float32', new Float32Array(y.data));
  const start = initialState(layout, c);
  // The one-dispatch loop reads its steps' scalars from the state, where the trainer writes them.
  start.set(stepScalarTable(o, 1, steps), layout.stepScalars);
  const state = tfb.makeTensorInfo([layout.length], 'float32', start);
  const optimizer = optimizerUniforms(o);
  const lossScale = f(1 / (y.rows * y.cols));
  const made: TensorInfo[] = [img, tgt, state];
  if (path === 'single-workgroup') {
    const program = new TrainSingleWorkgroupProgram(
      y.rows * y.cols,
      w.rows,
      w.cols,
      c.mode,
      c.activation,
      o.kind,
      c.useBias,
      layout,
    );
    tfb.runWebGPUProgram(program, [img, tgt], 'float32', [i(steps), i(1), lossScale, ...optimizer], state);
  } else {
    const strip = fitsStripTraining(w.rows, w.cols);
    for (let step = 1; step <= steps; step++) {
      const partials = strip
        ? new TrainStripPartialsProgram(spec, layout)
        : new TrainPartialsProgram(spec, layout);
      const rows =
        partials instanceof TrainStripPartialsProgram
          ? partials.shape.partialRows
          : partials.dispatch[0] * partials.dispatch[1];
      const parts = (made[3] ??= tfb.makeTensorInfo(
        partials.outputShape,
        'float32',
        new Float32Array(partials.outputShape[0]),
      ));
      const extra = partials instanceof TrainStripPartialsProgram ? [i(partials.shape.rowsPerThread)] : [];
      tfb.runWebGPUProgram(partials, [img, tgt, state], 'float32', [lossScale, ...extra], parts);
      const update = new TrainReduceUpdateProgram(layout, o.kind, c.useBias);
      tfb.runWebGPUProgram(
        update,
        [parts],
        'float32',
        [i(rows), i(step), i(step - 1), ...stepScalarUniforms(o, step), ...optimizer],
        state,
      );
    }
  }
  const values = new Float32Array((await tfb.read(state.dataId)) as Float32Array);
  for (const t of made) tfb.disposeData(t.dataId);
  return values;
}

describe('raw dispatch = tfjs dispatch, bit for bit', () => {
  const cases: [string, TrainPath, TrainConfig][] = [
    ['single-workgroup adam 12×14 * 3×2', 'single-workgroup', configOf(12, 14, 3, 2, 'adam')],
    ['tiled strip adam 40×44 * 5×5', 'tiled', configOf(40, 44, 5, 5, 'adam')],
    ['tiled workgroup momentum 41×38 * 9×8', 'tiled', configOf(41, 38, 9, 8, 'momentum')],
  ];
  test.each(cases)('%s', async (_name, path, c) => {
    const steps = 7;
    const gpu = await webgpuBackend();
    const trainer = await gpu.createLayerTrainerOnPath(oneKernelLayer(c), path);
    try {
      const chunk = await trainer.run(steps);
      const expected = await throughTfjs(c, path, steps);
      const layout = stateLayout(c.initWeight.rows, c.initWeight.cols);
      expect(Array.from(chunk.losses)).toEqual(
        Array.from(expected.subarray(layout.losses, layout.losses + steps)),
      );
      const state = trainer.exportState();
      const p = layout.paramCount;
      expect(Array.from(state.params)).toEqual(
        Array.from(expected.subarray(layout.params, layout.params + p)),
      );
      expect(Array.from(state.moment1)).toEqual(
        Array.from(expected.subarray(layout.moment1, layout.moment1 + p)),
      );
      expect(Array.from(state.grads)).toEqual(Array.from(expected.subarray(layout.grads, layout.grads + p)));
    } finally {
      trainer.dispose();
    }
  });
});

test('uniformLayout follows WGSL alignment as tfjs packs it', () => {
  // NaN, Infinity, a 2-D shape and its 1-D strides, a 1-D shape and its empty strides (→ [1]), then i32, f32.
  expect(uniformLayout([1, 1, 2, 1, 1, 0, 1, 1])).toEqual({
    offsets: [0, 4, 8, 16, 20, 24, 28, 32],
    byteLength: 40,
  });
  // A vec3 aligns to 16; after a 5- or 6-vector everything aligns to 16.
  expect(uniformLayout([1, 3, 5, 1])).toEqual({ offsets: [0, 16, 32, 64], byteLength: 80 });
});
