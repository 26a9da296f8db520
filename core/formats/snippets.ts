/**
 * Code snippets that rebuild the trained layer in PyTorch or MXNet Gluon. Both
 * frameworks' conv layers compute cross-correlation with an OIHW weight
 * (out, in, kh, kw), not TensorFlow/Keras's HWIO; so in convolve mode we emit K
 * rotated 180°, which makes the framework layer reproduce Kernel Studio's output.
 */
import type { Matrix } from '../matrix';
import { flip2d, toRows } from '../matrix';
import type { Mode } from '../types';
import { formatPythonFloat } from './numbers';

/** The 1×1×kh×kw nested list literal of the weight the framework should hold. */
function oihwLiteral(kernel: Matrix): string {
  const rows = toRows(kernel).map((row) => `[${row.map(formatPythonFloat).join(', ')}]`);
  return `[[[${rows.join(', ')}]]]`;
}

function frameworkWeight(kernel: Matrix, mode: Mode): Matrix {
  return mode === 'convolve' ? flip2d(kernel) : kernel;
}

function modeComment(mode: Mode, framework: string, flipCall: string): string {
  return mode === 'convolve'
    ? `# Mode: convolution. ${framework}'s conv layer computes cross-correlation, so the weight below is the\n` +
        `# trained kernel K rotated 180° (${flipCall}); the layer then reproduces Kernel Studio's convolution.`
    : `# Mode: cross-correlation, the same operation as ${framework}'s conv layer: the weight is K as trained.`;
}

/** PyTorch: `nn.Conv2d(1, 1, kernel_size=(kh, kw), bias=…)` with the weight set. */
export function pytorchSnippet(kernel: Matrix, bias: number, mode: Mode): string {
  const useBias = bias !== 0;
  const lines = [
    `# Kernel Studio export for PyTorch: weight layout OIHW (out, in, kh, kw) = (1, 1, ${kernel.rows}, ${kernel.cols}), not HWIO.`,
    modeComment(mode, 'PyTorch', 'torch.flip(K, [0, 1])'),
    'import torch',
    'from torch import nn',
    '',
    `conv = nn.Conv2d(1, 1, kernel_size=(${kernel.rows}, ${kernel.cols}), bias=${useBias ? 'True' : 'False'})`,
    `conv.weight.data = torch.tensor(${oihwLiteral(frameworkWeight(kernel, mode))}, dtype=torch.float32)`,
  ];
  if (useBias) lines.push(`conv.bias.data = torch.tensor([${formatPythonFloat(bias)}], dtype=torch.float32)`);
  lines.push('', '# X has shape (N, C, H, W) = (1, 1, H, W):', '# Y = conv(X)', '');
  return lines.join('\n');
}

/** MXNet Gluon: `nn.Conv2D(1, kernel_size=(kh, kw))` with `set_data` on an nd.array 1×1×kh×kw. */
export function mxnetSnippet(kernel: Matrix, bias: number, mode: Mode): string {
  const useBias = bias !== 0;
  const lines = [
    `# Kernel Studio export for MXNet Gluon: weight layout OIHW (out, in, kh, kw) = (1, 1, ${kernel.rows}, ${kernel.cols}), not HWIO.`,
    modeComment(mode, 'MXNet', 'K[::-1, ::-1]'),
    'from mxnet import nd',
    'from mxnet.gluon import nn',
    '',
    `conv2d = nn.Conv2D(1, kernel_size=(${kernel.rows}, ${kernel.cols}), in_channels=1, use_bias=${useBias ? 'True' : 'False'})`,
    'conv2d.initialize()',
    `conv2d.weight.set_data(nd.array(${oihwLiteral(frameworkWeight(kernel, mode))}))`,
  ];
  if (useBias) lines.push(`conv2d.bias.set_data(nd.array([${formatPythonFloat(bias)}]))`);
  lines.push(
    '',
    '# X has shape (N, C, H, W) = (1, 1, H, W), as in d2l: X.reshape((1, 1, 6, 8))',
    '# Y = conv2d(X)',
    '',
  );
  return lines.join('\n');
}
