/** `kernel-studio corr2d`: one layer forward pass, Y = act(conv(X, mode(K)) + bias). */
import { createCpuBackend } from '#core/cpu/index';
import { createNodeCpuPool } from '../node/cpu-pool';
import type { ConvSpec } from '#core/layer';
import { layerOutputShape } from '#core/layer';
import { channel, kernelOf } from '#core/tensor';
import { ACTIVATIONS, MODES } from '#core/types';
import type { OptionTable } from './args';
import { choiceOption, parseOptions, stringOption } from './args';
import { readImageFile, readWeightsFile } from './arrays';
import { checkChannels, checkKernelFits } from './checks';
import { BACKEND_OPTION, backendPreference, openBackend } from './backend';
import { CliError, EXIT_OK } from './errors';
import type { CliIo } from './io';
import { DOCUMENT_DEFAULTS, geometryOptions, layerSpec, perChannelOption } from './layer-args';
import {
  checkOutputSize,
  checkStackOutput,
  outputFormatOf,
  writeMatrixOutput,
  writeStackOutput,
} from './outputs';
import { checkSaveTarget } from '../node/files';
import { writeJsonY, writeMatrixText, writeStackText } from './text';

const OPTIONS: OptionTable = {
  x: 'string',
  k: 'string',
  mode: 'string',
  bias: 'string',
  activation: 'string',
  stride: 'string',
  padding: 'string',
  dilation: 'string',
  color: 'boolean',
  out: 'string',
  json: 'boolean',
  ...BACKEND_OPTION,
};

export async function runCorr2d(argv: readonly string[], io: CliIo): Promise<number> {
  const options = parseOptions(argv, OPTIONS, 'corr2d');
  const xPath = stringOption(options, 'x');
  const kPath = stringOption(options, 'k');
  if (xPath === undefined || kPath === undefined)
    throw new CliError('corr2d: --x FILE and --k FILE are required.');
  const mode = choiceOption(options, 'mode', MODES, DOCUMENT_DEFAULTS.mode);
  const activation = choiceOption(options, 'activation', ACTIVATIONS, DOCUMENT_DEFAULTS.activation);
  const geometry = geometryOptions(options);
  const outPath = stringOption(options, 'out');
  const outFormat = outPath === undefined ? undefined : outputFormatOf(outPath, false);
  if (outPath !== undefined) await checkSaveTarget(outPath);
  const preference = backendPreference(options);

  const x = readImageFile(xPath, options.has('color'));
  const { weights: w } = readWeightsFile(kPath);
  const spec: ConvSpec = layerSpec(w, geometry, mode, activation);
  checkChannels(x.channels, w.inChannels, xPath, kPath);
  checkKernelFits(channel(x, 0), kernelOf(w, 0, 0), spec, xPath, kPath);
  const bias = perChannelOption(options, 'bias', spec.outChannels);
  if (outPath !== undefined && outFormat !== undefined && spec.outChannels > 1)
    checkStackOutput(outPath, outFormat);
  const { rows: oh, cols: ow } = layerOutputShape(spec, x);
  const shape = spec.outChannels === 1 ? [oh, ow] : [spec.outChannels, oh, ow];
  checkOutputSize(shape, outFormat !== 'npy');
  const gpu = await openBackend(preference, options);
  // The CPU uses every core: worker threads take bands of output rows (bit-identical to one thread).
  const engine = gpu ?? createCpuBackend(createNodeCpuPool());
  let y;
  try {
    y = await engine.forwardLayer(x, w, bias, spec);
  } finally {
    engine.dispose();
  }
  const backend = gpu ? 'webgpu' : 'cpu';

  // --out FILE gets Y; stdout then gets nothing, or with --json what was written.
  const write = (text: string): void => io.stdout(text);
  if (outPath !== undefined && outFormat !== undefined) {
    if (spec.outChannels === 1) await writeMatrixOutput(outPath, outFormat, channel(y, 0));
    else await writeStackOutput(outPath, outFormat, y);
    if (options.has('json')) write(`${JSON.stringify({ out: outPath, shape, backend })}\n`);
  } else if (options.has('json')) writeJsonY(y, spec.outChannels > 1, backend, write);
  else if (spec.outChannels === 1) writeMatrixText(channel(y, 0), write);
  else writeStackText(y, write);
  return EXIT_OK;
}
