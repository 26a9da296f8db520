/**
 * TrainingSession, the Train view's run loop, run for real: the rune classes under
 * `$effect.root` and `flushSync`, the CPU backend, main's real handlers for the loss stream,
 * and a workspace saved and reopened through the real serializer. What each test checks is
 * computed independently (a plain CpuLayerTrainer run, the training setup, the layer forward).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flushSync } from 'svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCpuBackend } from '#core/cpu/index';
import { CpuLayerTrainer } from '#core/cpu/layer-trainer';
import { forwardLayerCpu } from '#core/cpu/layer';
import { exportLayer } from '#core/formats/index';
import { formatFloat32 } from '#core/formats/numbers';
import { lossAt } from '#core/landscape';
import { COMPUTE_BUDGET } from '#core/bounds';
import { fromRows, zeros } from '#core/matrix';
import { randomMatrix } from '#core/random';
import { channel } from '#core/tensor';
import { STEP_PASSES, trainingBudgetProblem, trainingSetup } from '#core/train/setup';
import { layerLrLimit } from '#core/train/lr-limit';
import {
  DEFAULT_TRAINING,
  DOCUMENT_FIELDS,
  parseWorkspace,
  serializeWorkspace,
  type WorkspaceDocument,
} from '#core/workspace/index';
import { INVOKE_CHANNELS, type InvokeMethod } from '../../ipc/contract';
import { MainHandlers } from '../../main/services/handlers';
import { exportGrid, layerToExport, pngName } from '../../renderer/src/lib/files/kernel-source';
import { landscapeSetup } from '../../renderer/src/lib/train/landscape-problem';
import { StudioDocument } from '../../renderer/src/state/studio.svelte';
import type { TrainingSession } from '../../renderer/src/state/training.svelte';
import { shownOutputOf, trainingFor } from '../../renderer/src/state/training.svelte';
import { testAppInfo } from '../helpers/app-info';
import { en } from '../../renderer/src/i18n/en';
import { formatMessage } from '../../renderer/src/i18n/format';
import { zh } from '../../renderer/src/i18n/zh';
import { englishRunNamer, runLabel, type RunNamer } from '../../renderer/src/state/training-setup';
import { documentTraining } from '../helpers/training-session';

let dataDir: string;
let handlers: MainHandlers;
let cleanups: (() => void)[];

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'ks-session-'));
  handlers = new MainHandlers({
    appInfo: testAppInfo,
    dataDir,
    dialogs: { pickOpenPath: async () => null, pickSavePath: async () => null },
    broadcast: () => undefined,
  });
  cleanups = [];
});
afterEach(async () => {
  for (const c of cleanups) c();
  await handlers.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function call(method: InvokeMethod, ...args: unknown[]): Promise<never> {
  const result = await handlers.dispatch(INVOKE_CHANNELS[method], args);
  if (!result.ok) throw new Error(result.error.message);
  return result.value as never;
}

/** A session on the real CPU backend; the loss stream goes to main's real run log. */
function sessionFor(
  doc: StudioDocument,
  namer: RunNamer = englishRunNamer,
  backend = createCpuBackend(),
): TrainingSession {
  const { session } = documentTraining(doc, call, namer, backend);
  cleanups.push(() => session.reset(false));
  session.speed = 'max';
  return session;
}

/** Waits until a Run stops (done, paused by growth, diverged or failed). */
async function finished(session: TrainingSession): Promise<void> {
  for (let i = 0; i < 500 && session.status === 'running'; i++) await new Promise((r) => setTimeout(r, 10));
  flushSync();
}

/**
 * Save and reopen the document through the real workspace text, as Save As then Open do: every
 * field of DOCUMENT_FIELDS out and back in, then `loads` bumped (WorkspaceSession's own steps,
 * which live in a DOM-side module).
 */
function reopen(doc: StudioDocument): void {
  const fields = doc as unknown as Record<string, unknown>;
  const model = Object.fromEntries(DOCUMENT_FIELDS.map((f) => [f, fields[f]])) as unknown;
  const back = parseWorkspace(serializeWorkspace(model as WorkspaceDocument), 'reopened.kstudio');
  for (const f of DOCUMENT_FIELDS) fields[f] = back[f];
  doc.loads++;
  flushSync();
}

/** 3 input channels (6×7), 2 outputs of 3×3 kernels, stride 2, padding 1, a bias to learn, Adam. */
function layerDocument(): StudioDocument {
  const doc = new StudioDocument();
  doc.channels = [0, 1, 2].map((c) => randomMatrix(6, 7, 10 + c, -1, 1));
  doc.kernels = [0, 1].map((o) => [0, 1, 2].map((c) => randomMatrix(3, 3, 20 + 3 * o + c, -1, 1)));
  doc.biases = [0, 0];
  doc.stride = [2, 2];
  doc.padding = [1, 1];
  doc.training = {
    ...DEFAULT_TRAINING,
    kernelRows: 3,
    kernelCols: 3,
    useBias: true,
    targetBias: 0.5,
    optimizer: 'adam',
    lr: 0.05,
    steps: 6,
  };
  flushSync();
  return doc;
}

describe('TrainingSession: Run goes from the current step', () => {
  it("a reopened run at step 10 runs 10 more (d2l's defaults), and Run after Done goes on", async () => {
    const doc = new StudioDocument();
    const session = sessionFor(doc);
    await session.run();
    await finished(session);
    expect([session.status, session.step]).toEqual(['done', 10]);
    reopen(doc);
    const reopened = sessionFor(doc);
    expect([reopened.status, reopened.step]).toEqual(['paused', 10]);
    await reopened.run();
    await finished(reopened);
    expect([reopened.status, reopened.step]).toEqual(['done', 20]);
    await reopened.run();
    await finished(reopened);
    expect(reopened.step).toBe(30);
    // Exactly the uninterrupted 30 steps.
    const whole = new CpuLayerTrainer(trainingSetup(doc).config);
    whole.runSync(30);
    expect(Array.from(reopened.weight!.data)).toEqual(Array.from(whole.snapshotSync().weight.data));
  });
});

describe('TrainingSession: run names are never reused', () => {
  /** Starts a new run (Reset, then one Step) and returns its name. */
  async function newRun(session: TrainingSession): Promise<string> {
    session.reset();
    await session.stepOnce();
    return session.label;
  }

  it('keeps counting after Clear runs and after removing the newest run, and across save and reopen', async () => {
    const doc = new StudioDocument();
    const session = sessionFor(doc);
    expect(await newRun(session)).toMatch(/^Run 1 /);
    expect(await newRun(session)).toMatch(/^Run 2 /);
    // Clear runs (the list's button removes every run from the chart and the workspace).
    session.removeRuns(doc.runs.map((r) => r.id));
    // The current run went with them: Reset does not record it back into the workspace.
    session.reset();
    expect(doc.runs).toEqual([]);
    expect(doc.trainer).toBeNull();
    expect(await newRun(session)).toMatch(/^Run 3 /);
    // Removing the newest run does not free its number either.
    session.removeRuns([session.runId!]);
    expect(await newRun(session)).toMatch(/^Run 4 /);
    expect(doc.lastRunNumber).toBe(4);

    // The workspace keeps the count: cleared, saved and reopened, the next run is Run 5.
    session.removeRuns(doc.runs.map((r) => r.id));
    session.clear();
    reopen(doc);
    expect(doc.runs).toEqual([]);
    expect(await newRun(sessionFor(doc))).toMatch(/^Run 5 /);
  });

  it('a workspace saved before the count was kept numbers on from its runs', async () => {
    const doc = new StudioDocument();
    const session = sessionFor(doc);
    await newRun(session);
    await newRun(session);
    doc.lastRunNumber = 0;
    reopen(doc);
    expect(await newRun(sessionFor(doc))).toMatch(/^Run 3 /);
  });
});

describe('TrainingSession: a run’s name is written from its facts in the current language', () => {
  it('keeps number, mode, layer and backend as data; the name follows the language, saved and reopened too', async () => {
    let catalog: typeof en | typeof zh = en;
    const namer: RunNamer = (run) => runLabel((key, params) => formatMessage(catalog[key], params), run);
    const doc = new StudioDocument();
    doc.mode = 'convolve';
    const session = sessionFor(doc, namer);
    const charts = trainingFor(doc, () => {
      throw new Error('made by sessionFor');
    }).charts;
    charts.setNamer(namer);
    await session.stepOnce();
    expect(session.label).toBe('Run 1 · lr 0.03 · sgd · sum · 1×2 · seed 0 · convolve');
    expect(doc.runs[0].facts).toEqual({
      number: 1,
      mode: 'convolve',
      outChannels: 1,
      inChannels: 1,
      backend: 'CPU',
    });
    // The language changes: the log title, the run list and the legend follow.
    catalog = zh;
    charts.setNamer(namer);
    expect(session.label).toBe('运行 1 · 学习率 0.03 · SGD · 平方和 · 1×2 · 种子 0 · 卷积');
    expect(charts.runs.map((r) => r.label)).toEqual([session.label]);
    // Saved (its English name kept for older builds) and reopened in 中文: named from its facts.
    expect(doc.runs[0].label).toMatch(/^Run 1 /);
    reopen(doc);
    expect(charts.runs.map((r) => r.label)).toEqual([
      '运行 1 · 学习率 0.03 · SGD · 平方和 · 1×2 · 种子 0 · 卷积',
    ]);
    expect(doc.runs[0].facts?.number).toBe(1);
  });
});

describe('TrainingSession: the target bias and the learned bias', () => {
  /** A 1×1 kernel and a bias: two parameters (a landscape); the layer's bias (5) and Train's extra target bias (0.5) both count. */
  function biasDocument(): StudioDocument {
    const doc = new StudioDocument();
    doc.k = fromRows([[2]]);
    doc.bias = 5;
    doc.training = {
      ...DEFAULT_TRAINING,
      kernelRows: 1,
      kernelCols: 1,
      useBias: true,
      targetBias: 0.5,
      loss: 'mean',
      lr: 0.5,
      steps: 300,
    };
    flushSync();
    return doc;
  }

  it("the landscape is drawn over the run's Y, and its minimum is K with the layer's bias plus the extra target bias", async () => {
    const doc = biasDocument();
    const session = sessionFor(doc);
    await session.stepOnce();
    const setup = landscapeSetup(doc, session.config);
    expect(setup.count).toBe(2);
    expect(Array.from(setup.problem!.y.data)).toEqual(Array.from(channel(session.target!, 0).data));
    expect(setup.anchors[1]).toEqual([2, 5.5]);
    expect(lossAt(setup.problem!, 2, 5.5)).toBeCloseTo(0, 10);
    expect(lossAt(setup.problem!, 2, 0.5)).toBeGreaterThan(1);
  });

  it('Export offers the learned bias (not K’s), and Y and Ŷ are the ones training used', async () => {
    const doc = biasDocument();
    const session = sessionFor(doc);
    await session.run();
    await finished(session);
    expect(session.status).toBe('done');
    const learned = session.bias[0];
    expect(learned).toBeCloseTo(5.5, 2);
    const source = layerToExport(doc);
    expect(source.learned).toBe(true);
    expect(Array.from(source.bias)).toEqual([learned]);
    const json = new TextDecoder().decode(exportLayer('json', source).bytes);
    // The float32 bias as its shortest decimal, never its float64 expansion.
    expect(json).toContain(`"bias": [${formatFloat32(learned)}]`);
    expect(Math.fround(Number(/"bias": \[(\S+)\],/.exec(json)![1]))).toBe(Math.fround(learned));
    expect(Array.from(exportGrid(doc, 'y')!.data)).toEqual(Array.from(session.target!.data));
    expect(Array.from(exportGrid(doc, 'yhat')!.data)).toEqual(Array.from(session.yHat!.data));
    session.clear();
    expect(layerToExport(doc).learned).toBe(false);
  });
});

describe('TrainingSession: what a run depends on', () => {
  /** Each edit of a training input (the layer, biases included, the drawn target, the settings). */
  const EDITS: [string, (doc: StudioDocument) => void][] = [
    ['stride', (d) => (d.stride = [2, 2])],
    ['padding', (d) => (d.padding = [1, 0])],
    ['dilation', (d) => (d.dilation = [2, 1])],
    ['mode', (d) => (d.mode = 'convolve')],
    ['activation', (d) => (d.activation = 'relu')],
    ['biases', (d) => (d.biases = [1])],
    ['channels', (d) => (d.x = fromRows([[1, 2, 3, 4]]))],
    ['kernels', (d) => (d.k = fromRows([[3, -1]]))],
    ['drawnTarget', (d) => (d.drawnTarget = fromRows([[1, 2, 3]]))],
    ['training', (d) => (d.training = { ...d.training, lr: 0.01 })],
  ];

  it.each(EDITS)('an edit of %s makes the next Step start a new run with it', async (_, edit) => {
    const doc = new StudioDocument();
    const session = sessionFor(doc);
    await session.stepOnce();
    await session.stepOnce();
    expect(session.step).toBe(2);
    edit(doc);
    flushSync();
    await session.stepOnce();
    expect(session.step).toBe(1);
    expect(session.config).toEqual(trainingSetup(doc).config);
  });
});

describe('TrainingSession: a 2-output layer', () => {
  it('learns O×C×kh×kw weights and O biases, step by step, as a plain layer run does', async () => {
    const doc = layerDocument();
    const session = sessionFor(doc);
    for (let i = 0; i < 3; i++) await session.stepOnce();
    expect(session.error).toBe('');
    expect(session.step).toBe(3);
    const w = session.weight!;
    expect([w.outChannels, w.inChannels, w.rows, w.cols]).toEqual([2, 3, 3, 3]);
    expect(session.bias).toHaveLength(2);
    expect([session.target!.channels, session.target!.rows, session.target!.cols]).toEqual([2, 3, 4]);
    expect(session.gradWeight!.data).toHaveLength(54);

    const plain = new CpuLayerTrainer(trainingSetup(doc).config);
    plain.runSync(3);
    const snap = plain.snapshotSync();
    expect(Array.from(w.data)).toEqual(Array.from(snap.weight.data));
    expect(session.bias).toEqual(Array.from(snap.bias));
    const spec = session.config!.spec;
    const yHat = forwardLayerCpu(session.config!.x, snap.weight, snap.bias, spec);
    expect(Array.from(session.yHat!.data)).toEqual(Array.from(yHat.data));
    // The target is the document's layer with the target bias on every output.
    expect(session.target!.data[0]).not.toBe(session.target!.data[0] - 0.5);
    expect(doc.learnedWeight).toEqual(w);
    expect(doc.learnedBias).toEqual(session.bias);
    expect(doc.trainer?.params).toHaveLength(54 + 2);
  });

  it('resumes exactly after a reopen (Adam moments included), and Reset forgets the learned layer', async () => {
    const doc = layerDocument();
    const session = sessionFor(doc);
    for (let i = 0; i < 3; i++) await session.stepOnce();
    reopen(doc);
    expect([session.status, session.step]).toEqual(['paused', 3]);
    expect(session.weight?.outChannels).toBe(2);
    await session.run();
    await finished(session);
    expect([session.status, session.step]).toEqual(['done', 6]);

    const whole = new CpuLayerTrainer(trainingSetup(doc).config);
    whole.runSync(6);
    expect(Array.from(session.weight!.data)).toEqual(Array.from(whole.snapshotSync().weight.data));
    expect(session.bias).toEqual(Array.from(whole.snapshotSync().bias));

    session.clear();
    expect([session.status, session.step, session.weight]).toEqual(['idle', 0, null]);
    expect([doc.learnedWeight, doc.learnedBias, doc.trainer]).toEqual([null, [], null]);
    await session.stepOnce();
    expect(session.step).toBe(1);
  });

  it("shows the output channel picked, and Export's Y and Ŷ images are that channel's", async () => {
    const doc = layerDocument();
    const session = sessionFor(doc);
    expect([session.outputs, session.output]).toEqual([2, 0]);
    await session.stepOnce();
    session.output = 1;
    expect(session.output).toBe(1);
    expect(shownOutputOf(doc)).toBe(1);
    const size = session.target!.rows * session.target!.cols;
    expect(Array.from(exportGrid(doc, 'y', shownOutputOf(doc))!.data)).toEqual(
      Array.from(session.target!.data.subarray(size, 2 * size)),
    );
    expect(Array.from(exportGrid(doc, 'yhat', shownOutputOf(doc))!.data)).toEqual(
      Array.from(session.yHat!.data.subarray(size, 2 * size)),
    );
    expect(pngName('y', 1, 2)).toBe('y-output2.png');
    expect(pngName('yhat', 0, 2)).toBe('yhat-output1.png');
    expect([pngName('y', 0, 1), pngName('x', 1, 2)]).toEqual(['y.png', 'x.png']);
    // No output 3: a clear error, not an empty image.
    expect(() => exportGrid(doc, 'y', 2)).toThrow('Y has 2 output channels; there is no output 3.');

    // With one output left (and the run reset), the views show output 1.
    doc.kernels = [doc.kernels[0]];
    doc.biases = [0];
    session.reset();
    expect([session.outputs, session.output]).toEqual([1, 0]);
  });

  it('refuses a drawn target for 2 outputs with a message that says why', async () => {
    const doc = layerDocument();
    doc.drawnTarget = fromRows([[1, 2, 3, 4]]);
    doc.training = { ...doc.training, targetSource: 'drawn' };
    const session = sessionFor(doc);
    await session.stepOnce();
    expect(session.status).toBe('error');
    expect(session.error).toMatch(/drawn target Y is one grid, but this layer has 2 output channels/);
    expect(session.step).toBe(0);
  });
});

describe('TrainingSession: growth is caught at the same step at every speed', () => {
  /** d2l's defaults at `lr`, run to `steps` at `speed`; where the run stopped and why. */
  async function runAt(lr: number, steps: number, speed: 'slow' | 'normal' | 'fast' | 'max') {
    const doc = new StudioDocument();
    doc.training = { ...doc.training, lr, steps };
    const session = sessionFor(doc);
    session.speed = speed;
    await session.run();
    await finished(session);
    return { status: session.status, step: session.step, growth: session.growth };
  }

  it('a barely diverging lr (0.0334, the limit is 0.0333) is not "Done": its loss rises at every step', async () => {
    const normal = await runAt(0.0334, 40, 'normal');
    expect(normal.status).toBe('growing');
    expect(normal.growth).toMatchObject({ kind: 'steady-rise', step: 10, low: { step: 5 } });
    expect(normal.growth!.loss).toBeLessThan(normal.growth!.firstLoss);
    for (const speed of ['fast', 'max'] as const) {
      const fast = await runAt(0.0334, 40, speed);
      expect([fast.status, fast.step, fast.growth]).toEqual([normal.status, normal.step, normal.growth]);
    }
    // Just below the limit nothing is said.
    expect((await runAt(0.0333, 40, 'max')).status).toBe('done');
  });

  it("the alert gives the layer's own lr limit for any layer: 3 → 2 channels, stride 2, SGD past it", async () => {
    const doc = layerDocument();
    doc.training = { ...doc.training, optimizer: 'sgd', lr: 1, steps: 60 };
    const session = sessionFor(doc);
    session.speed = 'max';
    await session.run();
    await finished(session);
    expect(session.status).toBe('growing');
    const limit = layerLrLimit(session.config!);
    expect(limit).not.toBeNull();
    expect(limit!).toBeLessThan(1);
    expect(session.growth!.lrLimit).toBe(limit);
  });

  it('lr 5 pauses with "Loss growing" at Fast and Fastest too, at the step Normal pauses', async () => {
    const normal = await runAt(5, 400, 'normal');
    expect(normal.status).toBe('growing');
    for (const speed of ['fast', 'max'] as const) {
      const fast = await runAt(5, 400, speed);
      expect([fast.status, fast.step, fast.growth]).toEqual([normal.status, normal.step, normal.growth]);
    }
  });
});

describe('TrainingSession: a run over the compute budget is refused before any work', () => {
  /** C = O = 4 channels of 512×512 and 3×3 kernels in K; the learned kernel's size is `side`. */
  function heavyDocument(side: number): StudioDocument {
    const doc = new StudioDocument();
    doc.channels = [0, 1, 2, 3].map(() => zeros(512, 512));
    doc.kernels = [0, 1, 2, 3].map(() => [0, 1, 2, 3].map(() => zeros(3, 3)));
    doc.biases = [0, 0, 0, 0];
    doc.training = { ...DEFAULT_TRAINING, kernelRows: side, kernelCols: side, init: 'zeros' };
    flushSync();
    return doc;
  }

  /** A session whose backend counts the trainers it is asked for (and makes none: no work may start). */
  function countingSession(doc: StudioDocument): { session: TrainingSession; trainers: () => number } {
    const backend = createCpuBackend();
    let trainers = 0;
    backend.createLayerTrainer = () => {
      trainers++;
      return Promise.reject(new Error('a trainer was made for a run over the budget'));
    };
    return { session: sessionFor(doc, englishRunNamer, backend), trainers: () => trainers };
  }

  it('one step of 2 × 4 × 4 × 482 × 482 × 31 × 31 multiply-adds: Step and Run say how much and why', async () => {
    expect(STEP_PASSES * 4 * 4 * 482 * 482 * 31 * 31).toBeGreaterThan(COMPUTE_BUDGET);
    const { session, trainers } = countingSession(heavyDocument(31));
    await session.stepOnce();
    expect(session.status).toBe('error');
    expect(session.error).toMatch(
      /Training is refused: one step takes 7\.1e\+9 multiply-adds \(the forward pass and the weight gradient, 2 × O × C × Ho × Wo × kh × kw = 4 × 4 × 482 × 482 × 31 × 31\), over the budget of 2e\+9 per step/,
    );
    await session.run();
    await finished(session);
    expect([session.status, session.step, trainers()]).toEqual(['error', 0, 0]);
  });

  it("the target Y (the document's layer on X) over the budget is refused too; a light layer on the same X trains", async () => {
    const doc = heavyDocument(3);
    doc.kernels = [0, 1, 2, 3].map(() => [0, 1, 2, 3].map(() => zeros(31, 31)));
    flushSync();
    expect(trainingBudgetProblem(doc)).toMatch(
      /the target Y takes 3\.6e\+9 multiply-adds \(O × C × Ho × Wo × kh × kw = 4 × 4 × 482 × 482 × 31 × 31\), over the budget of 2e\+9 per pass/,
    );
    const { session, trainers } = countingSession(doc);
    await session.stepOnce();
    expect([session.status, trainers()]).toEqual(['error', 0]);
    expect(session.error).toBe(trainingBudgetProblem(doc));
    doc.kernels = [0, 1, 2, 3].map(() => [0, 1, 2, 3].map(() => zeros(3, 3)));
    flushSync();
    expect(trainingBudgetProblem(doc)).toBeNull();
  });
});
