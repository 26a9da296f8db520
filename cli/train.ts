/** `kernel-studio train`: learn a kernel from (X, Y) on the CPU, printing the seeds' loss lines. */
import { CpuTrainer, forwardCpu } from '../core/cpu';
import type { Matrix } from '../core/matrix';
import { toRows } from '../core/matrix';
import { randomKernel } from '../core/random';
import type {
  BackendKind,
  LossKind,
  OptimizerKind,
  TrainChunk,
  TrainConfig,
  TrainSnapshot,
} from '../core/types';
import { LIMITS } from '../core/types';
import type { OptionTable, ParsedOptions } from './args';
import { choiceOption, integerOption, numberOption, parseOptions, stringOption } from './args';
import { BACKEND_OPTION, backendPreference, openBackend } from './backend';
import { checkKernelFits, parseKernelShape, shapeText } from './checks';
import { ACTIVATIONS, MODES } from './corr2d';
import { CliError, EXIT_DIVERGED, EXIT_OK } from './errors';
import { readMatrixFile } from './files';
import type { CliIo } from './io';
import { outputFormatOf, writeKernelOutput } from './outputs';
import { formatLoss, formatMatrix, formatValue } from './text';

const OPTIONS: OptionTable = {
  x: 'string',
  y: 'string',
  'target-k': 'string',
  'target-bias': 'string',
  'kernel-shape': 'string',
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
  'log-every': 'string',
  out: 'string',
  json: 'boolean',
  ...BACKEND_OPTION,
};

const LOSSES: readonly LossKind[] = ['sum', 'mean'];
const OPTIMIZERS: readonly OptimizerKind[] = ['sgd', 'momentum', 'adam'];
const MAX_STEPS = 10_000_000;
const DEFAULT_SEED = 0;

/** The starting kernel: --init FILE (its shape must agree with --kernel-shape), else seeded random. */
function initialKernel(options: ParsedOptions): Matrix {
  const kernelShapeArg = stringOption(options, 'kernel-shape');
  const shape =
    kernelShapeArg === undefined ? undefined : parseKernelShape(kernelShapeArg, LIMITS.maxKernelSide);
  const initPath = stringOption(options, 'init');
  if (initPath !== undefined) {
    if (options.has('seed')) throw new CliError('train: give --init FILE or --seed N, not both.');
    const init = readMatrixFile(initPath);
    if (shape && (init.rows !== shape[0] || init.cols !== shape[1]))
      throw new CliError(
        `${initPath}: kernel is ${shapeText(init)} but --kernel-shape is ${shape[0]}x${shape[1]}.`,
      );
    return init;
  }
  if (!shape) throw new CliError('train: --kernel-shape HxW is required (or --init FILE).');
  const seed = integerOption(options, 'seed', 0, 0xffffffff) ?? DEFAULT_SEED;
  return randomKernel(shape[0], shape[1], seed);
}

/** Builds the TrainConfig; Y comes from --y or is generated from --target-k with the same forward pass. */
function buildConfig(options: ParsedOptions): TrainConfig {
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
  const mode = choiceOption(options, 'mode', MODES, 'correlate');
  const activation = choiceOption(options, 'activation', ACTIVATIONS, 'none');
  const lr = numberOption(options, 'lr') ?? 0.03;
  if (!(lr > 0)) throw new CliError(`--lr: ${lr} must be greater than 0.`);

  const x = readMatrixFile(xPath);
  const initWeight = initialKernel(options);
  checkKernelFits(x, initWeight, xPath, stringOption(options, 'init') ?? '--kernel-shape');
  let y: Matrix;
  if (targetPath !== undefined) {
    const targetK = readMatrixFile(targetPath);
    checkKernelFits(x, targetK, xPath, targetPath);
    if (targetK.rows !== initWeight.rows || targetK.cols !== initWeight.cols)
      throw new CliError(
        `${targetPath}: target kernel is ${shapeText(targetK)} but the learned kernel is ${shapeText(initWeight)}.`,
      );
    y = forwardCpu(x, targetK, { mode, activation, bias: numberOption(options, 'target-bias') ?? 0 });
  } else {
    y = readMatrixFile(yPath as string);
    const oh = x.rows - initWeight.rows + 1;
    const ow = x.cols - initWeight.cols + 1;
    if (y.rows !== oh || y.cols !== ow)
      throw new CliError(
        `${yPath}: Y is ${shapeText(y)} but a ${shapeText(initWeight)} kernel on the ${shapeText(x)} image ${xPath} gives ${oh}×${ow}.`,
      );
  }
  return {
    x,
    y,
    mode,
    activation,
    useBias: options.has('bias'),
    loss: choiceOption(options, 'loss', LOSSES, 'sum'),
    optimizer: { kind: choiceOption(options, 'optimizer', OPTIMIZERS, 'sgd'), lr },
    initWeight,
    initBias: numberOption(options, 'init-bias') ?? 0,
  };
}

function jsonReport(chunk: TrainChunk, snapshot: TrainSnapshot, backend: BackendKind): string {
  const report: Record<string, unknown> = {
    loss: Array.from(chunk.losses),
    weight: toRows(snapshot.weight),
    bias: Math.fround(snapshot.bias),
    backend,
  };
  if (chunk.diverged) {
    // JSON has no NaN/Infinity: a non-finite loss is reported as a string.
    const { step, loss } = chunk.diverged;
    report.diverged = { step, loss: Number.isFinite(loss) ? loss : String(loss) };
  }
  return `${JSON.stringify(report)}\n`;
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
  const steps = integerOption(options, 'steps', 0, MAX_STEPS) ?? 10;
  const logEvery = integerOption(options, 'log-every', 0, MAX_STEPS) ?? 2;
  const outPath = stringOption(options, 'out');
  const outFormat = outPath === undefined ? undefined : outputFormatOf(outPath, true);
  const preference = backendPreference(options);
  const config = buildConfig(options);

  const gpu = await openBackend(preference);
  let chunk: TrainChunk;
  let snapshot: TrainSnapshot;
  const trainer = gpu ? await gpu.createTrainer(config).catch(closing(gpu)) : new CpuTrainer(config);
  try {
    chunk = await trainer.run(steps);
    snapshot = await trainer.snapshot();
  } finally {
    trainer.dispose();
    gpu?.dispose();
  }

  if (options.has('json')) io.stdout(jsonReport(chunk, snapshot, trainer.backend));
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
  if (!options.has('json'))
    io.stdout(
      `weight (${shapeText(snapshot.weight)}, ${config.mode}):\n${formatMatrix(snapshot.weight)}bias: ${formatValue(snapshot.bias)}\n`,
    );
  if (outPath !== undefined && outFormat !== undefined)
    writeKernelOutput(outPath, outFormat, snapshot.weight, snapshot.bias, config.mode);
  return EXIT_OK;
}
