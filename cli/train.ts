/** `kernel-studio train`: learn a layer (a kernel, or O×C kernels) from (X, Y) on the CPU or WebGPU (--backend), printing d2l's loss lines. */
import { CpuLayerTrainer, forwardLayerCpu } from '#core/cpu/index';
import type { ConvSpec } from '#core/layer';
import { layerOutputShape } from '#core/layer';
import { BOUNDS } from '#core/bounds';
import type { LayerTrainConfig, LayerTrainSnapshot } from '#core/layer-types';
import { randomKernel, randomWeights } from '#core/random';
import type { Tensor3, Weights } from '#core/tensor';
import { channel, kernelOf, shapeText as dimsText, toNested, weightsOfMatrix } from '#core/tensor';
import type { BackendKind, TrainChunk } from '#core/types';
import { ACTIVATIONS, LOSS_KINDS, MODES, OPTIMIZER_KINDS } from '#core/types';
import { DEFAULT_TRAINING } from '#core/workspace/model';
import type { OptionTable, ParsedOptions } from './args';
import { boundedOption, choiceOption, parseOptions, stringOption } from './args';
import { readImageFile, readWeightsFile } from './arrays';
import { BACKEND_OPTION, backendPreference, openBackend } from './backend';
import { createNodeCpuPool } from '../node/cpu-pool';
import { checkChannels, checkKernelFits, parseKernelShape, shapeText, tensorText } from './checks';
import { CliError, EXIT_DIVERGED, EXIT_OK } from './errors';
import type { CliIo } from './io';
import { DOCUMENT_DEFAULTS, geometryOptions, layerSpec, perChannelOption } from './layer-args';
import { checkLayerOutput, checkOutputSize, outputFormatOf, writeLayerOutput } from './outputs';
import { checkSaveTarget } from '../node/files';
import { formatLoss, formatMatrix, formatValue } from './text';

const OPTIONS: OptionTable = {
  x: 'string',
  y: 'string',
  'target-k': 'string',
  'target-bias': 'string',
  'kernel-shape': 'string',
  'out-channels': 'string',
  init: 'string',
  seed: 'string',
  bias: 'boolean',
  'no-bias': 'boolean',
  'init-bias': 'string',
  lr: 'string',
  steps: 'string',
  mode: 'string',
  activation: 'string',
  loss: 'string',
  optimizer: 'string',
  stride: 'string',
  padding: 'string',
  dilation: 'string',
  color: 'boolean',
  'log-every': 'string',
  out: 'string',
  json: 'boolean',
  ...BACKEND_OPTION,
};

/** The app's log interval, and 0 for no loss lines (a CLI-only choice: the app always logs). */
const LOG_EVERY = { ...BOUNDS.logEvery, min: 0 };

function weightsText(w: Weights): string {
  return dimsText([w.outChannels, w.inChannels, w.rows, w.cols]);
}

/** What the learned layer's weight looks like in files and JSON: 2-D for one kernel, else 4-D, or --init's rank. */
interface Initial {
  readonly weights: Weights;
  /** The rank of --init when given (2, 3 or 4). */
  readonly rank?: number;
}

/**
 * The starting weights: --init FILE (its shape must agree with --kernel-shape, X's channels and
 * --out-channels), else seeded random like PyTorch's Conv2d (one kernel exactly as before).
 */
function initialWeights(options: ParsedOptions, inChannels: number, xPath: string): Initial {
  const kernelShapeArg = stringOption(options, 'kernel-shape');
  const shape = kernelShapeArg === undefined ? undefined : parseKernelShape(kernelShapeArg);
  const outChannels = boundedOption(options, 'out-channels', BOUNDS.channels);
  const initPath = stringOption(options, 'init');
  if (initPath !== undefined) {
    if (options.has('seed')) throw new CliError('train: give --init FILE or --seed N, not both.');
    const { weights, rank } = readWeightsFile(initPath);
    if (shape && (weights.rows !== shape[0] || weights.cols !== shape[1]))
      throw new CliError(
        `${initPath}: kernel is ${shapeText(kernelOf(weights, 0, 0))} but --kernel-shape is ${shape[0]}x${shape[1]}.`,
      );
    checkChannels(inChannels, weights.inChannels, xPath, initPath);
    if (outChannels !== undefined && weights.outChannels !== outChannels)
      throw new CliError(
        `${initPath}: the kernel has ${weights.outChannels} output channel${weights.outChannels === 1 ? '' : 's'} but --out-channels is ${outChannels}.`,
      );
    return { weights, rank };
  }
  if (!shape) throw new CliError('train: --kernel-shape HxW is required (or --init FILE).');
  const seed = boundedOption(options, 'seed', BOUNDS.seed) ?? DEFAULT_TRAINING.seed;
  const o = outChannels ?? 1;
  const weights =
    o === 1 && inChannels === 1
      ? weightsOfMatrix(randomKernel(shape[0], shape[1], seed))
      : randomWeights(o, inChannels, shape[0], shape[1], seed);
  return { weights };
}

function describeLayer(spec: ConvSpec): string {
  const [kh, kw] = spec.kernel;
  const geometry = `stride ${spec.stride.join(',')}, padding ${spec.padding.join(',')}, dilation ${spec.dilation.join(',')}`;
  return `a ${spec.outChannels}×${spec.inChannels}×${kh}×${kw} layer (${geometry})`;
}

/** Y from --y, or generated from --target-k with the same layer; its shape must be O×Ho×Wo. */
function targetOf(options: ParsedOptions, x: Tensor3, spec: ConvSpec, xPath: string): Tensor3 {
  const yPath = stringOption(options, 'y');
  const targetPath = stringOption(options, 'target-k');
  const { rows: oh, cols: ow } = layerOutputShape(spec, x);
  // Y, Ŷ and the gradients are all O×Ho×Wo: bounded before anything is computed.
  checkOutputSize([spec.outChannels, oh, ow], false);
  if (targetPath !== undefined) {
    const { weights: targetK } = readWeightsFile(targetPath);
    checkChannels(x.channels, targetK.inChannels, xPath, targetPath);
    checkKernelFits(channel(x, 0), kernelOf(targetK, 0, 0), spec, xPath, targetPath);
    if (
      targetK.rows !== spec.kernel[0] ||
      targetK.cols !== spec.kernel[1] ||
      targetK.outChannels !== spec.outChannels
    ) {
      const single = spec.outChannels === 1 && spec.inChannels === 1;
      const [kh, kw] = spec.kernel;
      throw new CliError(
        single
          ? `${targetPath}: target kernel is ${shapeText(kernelOf(targetK, 0, 0))} but the learned kernel is ${kh}×${kw}.`
          : `${targetPath}: target kernel is ${weightsText(targetK)} but the learned layer is ${spec.outChannels}×${spec.inChannels}×${kh}×${kw}.`,
      );
    }
    return forwardLayerCpu(x, targetK, perChannelOption(options, 'target-bias', spec.outChannels), spec);
  }
  const y = readImageFile(yPath as string, false);
  if (y.channels !== spec.outChannels || y.rows !== oh || y.cols !== ow) {
    const plain = spec.outChannels === 1 && spec.inChannels === 1 && spec.stride.every((s) => s === 1);
    const padded = spec.padding.some((p) => p !== 0) || spec.dilation.some((d) => d !== 1);
    const gives = spec.outChannels === 1 ? `${oh}×${ow}` : `${spec.outChannels}×${oh}×${ow}`;
    throw new CliError(
      plain && !padded
        ? `${yPath}: Y is ${tensorText(y)} but a ${spec.kernel[0]}×${spec.kernel[1]} kernel on the ${tensorText(x)} image ${xPath} gives ${gives}.`
        : `${yPath}: Y is ${tensorText(y)} but ${describeLayer(spec)} on the ${tensorText(x)} image ${xPath} gives ${gives}.`,
    );
  }
  return y;
}

/** Builds the layer's TrainConfig from the options. */
function buildConfig(options: ParsedOptions): { config: LayerTrainConfig; initRank?: number } {
  const xPath = stringOption(options, 'x');
  if (xPath === undefined) throw new CliError('train: --x FILE is required.');
  const yPath = stringOption(options, 'y');
  const targetPath = stringOption(options, 'target-k');
  if ((yPath === undefined) === (targetPath === undefined))
    throw new CliError('train: give exactly one of --y FILE or --target-k FILE.');
  if (options.has('bias') && options.has('no-bias'))
    throw new CliError('train: give --bias or --no-bias, not both.');
  if (options.has('target-bias') && targetPath === undefined)
    throw new CliError('train: --target-bias needs --target-k.');
  const mode = choiceOption(options, 'mode', MODES, DOCUMENT_DEFAULTS.mode);
  const activation = choiceOption(options, 'activation', ACTIVATIONS, DOCUMENT_DEFAULTS.activation);
  const lr = boundedOption(options, 'lr', BOUNDS.lr) ?? DEFAULT_TRAINING.lr;
  const geometry = geometryOptions(options);

  const x = readImageFile(xPath, options.has('color'));
  const init = initialWeights(options, x.channels, xPath);
  const w = init.weights;
  const spec: ConvSpec = layerSpec(w, geometry, mode, activation);
  checkKernelFits(
    channel(x, 0),
    kernelOf(w, 0, 0),
    spec,
    xPath,
    stringOption(options, 'init') ?? '--kernel-shape',
  );
  const config: LayerTrainConfig = {
    spec,
    x,
    y: targetOf(options, x, spec, xPath),
    useBias: options.has('bias') || (!options.has('no-bias') && DEFAULT_TRAINING.useBias),
    loss: choiceOption(options, 'loss', LOSS_KINDS, DEFAULT_TRAINING.loss),
    optimizer: { kind: choiceOption(options, 'optimizer', OPTIMIZER_KINDS, DEFAULT_TRAINING.optimizer), lr },
    initWeight: w,
    initBias: perChannelOption(options, 'init-bias', spec.outChannels),
  };
  return { config, initRank: init.rank };
}

/** The weight as JSON: 2-D for one kernel, else 4-D, or in --init's rank when it was given. */
function weightJson(w: Weights, rank: number | undefined): unknown {
  const r = rank ?? (w.outChannels === 1 && w.inChannels === 1 ? 2 : 4);
  const shape = [w.outChannels, w.inChannels, w.rows, w.cols].slice(4 - r);
  return toNested({ shape, data: w.data });
}

function biasJson(bias: Float32Array): number | number[] {
  return bias.length === 1 ? Math.fround(bias[0]) : Array.from(bias);
}

function jsonReport(
  chunk: TrainChunk,
  snapshot: LayerTrainSnapshot,
  initRank: number | undefined,
  backend: BackendKind,
): string {
  const report: Record<string, unknown> = {
    loss: Array.from(chunk.losses),
    weight: weightJson(snapshot.weight, initRank),
    bias: biasJson(snapshot.bias),
    backend,
  };
  if (chunk.diverged) {
    // JSON has no NaN/Infinity: a non-finite loss is reported as a string.
    const { step, loss } = chunk.diverged;
    report.diverged = { step, loss: Number.isFinite(loss) ? loss : String(loss) };
  }
  return `${JSON.stringify(report)}\n`;
}

/** The learned layer as text: one kernel as d2l prints it, several as `[o, c]:` blocks. */
function textReport(snapshot: LayerTrainSnapshot, spec: ConvSpec): string {
  const w = snapshot.weight;
  if (w.outChannels === 1 && w.inChannels === 1)
    return `weight (${w.rows}×${w.cols}, ${spec.mode}):\n${formatMatrix(kernelOf(w, 0, 0))}bias: ${formatValue(snapshot.bias[0])}\n`;
  let text = `weight (${weightsText(w)}, ${spec.mode}):\n`;
  for (let o = 0; o < w.outChannels; o++)
    for (let c = 0; c < w.inChannels; c++) text += `[${o}, ${c}]:\n${formatMatrix(kernelOf(w, o, c))}`;
  return `${text}bias: ${Array.from(snapshot.bias, formatValue).join(', ')}\n`;
}

/** Disposes `gpu` and rethrows: a trainer that failed to start must not keep the device open. */
function closing(gpu: { dispose(): void }): (e: unknown) => never {
  return (e) => {
    gpu.dispose();
    throw e;
  };
}

export async function runTrain(argv: readonly string[], io: CliIo): Promise<number> {
  const options = parseOptions(argv, OPTIONS, 'train');
  const steps = boundedOption(options, 'steps', BOUNDS.steps) ?? DEFAULT_TRAINING.steps;
  const logEvery = boundedOption(options, 'log-every', LOG_EVERY) ?? DEFAULT_TRAINING.logEvery;
  const outPath = stringOption(options, 'out');
  const outFormat = outPath === undefined ? undefined : outputFormatOf(outPath, true);
  // A missing folder, a device or another user's link fails now, not after training.
  if (outPath !== undefined) await checkSaveTarget(outPath);
  const { config, initRank } = buildConfig(options);
  if (outPath !== undefined && outFormat !== undefined)
    checkLayerOutput(outPath, outFormat, {
      weight: config.initWeight,
      bias: config.initBias,
      spec: config.spec,
    });

  const gpu = await openBackend(backendPreference(options), options);
  // On the CPU, a large run splits each step over every core (small ones never start a thread).
  const pool = gpu ? null : createNodeCpuPool();
  const trainer = gpu
    ? await gpu.createLayerTrainer(config).catch(closing(gpu))
    : new CpuLayerTrainer(config, undefined, pool);
  let chunk: TrainChunk;
  let snapshot: LayerTrainSnapshot;
  try {
    chunk = await trainer.run(steps);
    snapshot = await trainer.snapshot();
  } finally {
    trainer.dispose();
    pool?.dispose();
    gpu?.dispose();
  }

  if (options.has('json')) io.stdout(jsonReport(chunk, snapshot, initRank, trainer.backend));
  else {
    chunk.losses.forEach((loss, i) => {
      const step = chunk.firstStep + i;
      if (logEvery > 0 && step % logEvery === 0) io.stdout(`batch ${step}, loss ${formatLoss(loss)}\n`);
    });
  }
  if (chunk.diverged) {
    const { step, loss } = chunk.diverged;
    throw new CliError(`diverged at step ${step} (loss ${formatLoss(loss)}): lower --lr`, EXIT_DIVERGED);
  }
  if (!options.has('json')) io.stdout(textReport(snapshot, config.spec));
  if (outPath !== undefined && outFormat !== undefined)
    await writeLayerOutput(outPath, outFormat, {
      weight: snapshot.weight,
      bias: snapshot.bias,
      spec: config.spec,
    });
  return EXIT_OK;
}
