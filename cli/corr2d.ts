/** `kernel-studio corr2d`: one forward pass, Y = act(corr2d(X, mode(K)) + bias). */
import { forwardCpu } from '../core/cpu';
import { toRows } from '../core/matrix';
import type { Activation, Mode } from '../core/types';
import type { OptionTable } from './args';
import { choiceOption, numberOption, parseOptions, stringOption } from './args';
import { BACKEND_OPTION, backendPreference, openBackend } from './backend';
import { checkKernelFits } from './checks';
import { CliError, EXIT_OK } from './errors';
import { readMatrixFile } from './files';
import type { CliIo } from './io';
import { outputFormatOf, writeMatrixOutput } from './outputs';
import { formatMatrix } from './text';

const OPTIONS: OptionTable = {
  x: 'string',
  k: 'string',
  mode: 'string',
  bias: 'string',
  activation: 'string',
  out: 'string',
  json: 'boolean',
  ...BACKEND_OPTION,
};

export const MODES: readonly Mode[] = ['correlate', 'convolve'];
export const ACTIVATIONS: readonly Activation[] = ['none', 'relu'];

export async function runCorr2d(argv: readonly string[], io: CliIo): Promise<number> {
  const options = parseOptions(argv, OPTIONS, 'corr2d');
  const xPath = stringOption(options, 'x');
  const kPath = stringOption(options, 'k');
  if (xPath === undefined || kPath === undefined)
    throw new CliError('corr2d: --x FILE and --k FILE are required.');
  const mode = choiceOption(options, 'mode', MODES, 'correlate');
  const activation = choiceOption(options, 'activation', ACTIVATIONS, 'none');
  const bias = numberOption(options, 'bias') ?? 0;
  const outPath = stringOption(options, 'out');
  const outFormat = outPath === undefined ? undefined : outputFormatOf(outPath, false);
  const preference = backendPreference(options);

  const x = readMatrixFile(xPath);
  const k = readMatrixFile(kPath);
  checkKernelFits(x, k, xPath, kPath);
  const gpu = await openBackend(preference);
  let y;
  try {
    y = gpu
      ? await gpu.forward(x, k, { mode, bias, activation })
      : forwardCpu(x, k, { mode, bias, activation });
  } finally {
    gpu?.dispose();
  }
  const backend = gpu ? 'webgpu' : 'cpu';

  if (outPath !== undefined && outFormat !== undefined) writeMatrixOutput(outPath, outFormat, y);
  io.stdout(options.has('json') ? `${JSON.stringify({ y: toRows(y), backend })}\n` : formatMatrix(y));
  return EXIT_OK;
}
