/** The --help text; kept next to the option tables it documents. Defaults and choices are the app's. */
import { ACTIVATIONS, LOSS_KINDS, MODES, OPTIMIZER_KINDS } from '#core/types';
import { DEFAULT_TRAINING as T } from '#core/workspace/model';

const choices = (list: readonly string[]): string => list.join('|');

export const USAGE = `Kernel Studio, headless: 2-D convolution layers from the command line.

Usage:
  kernel-studio corr2d --x FILE --k FILE [--mode ${choices(MODES)}] [--bias B|B1,B2,…]
                       [--activation ${choices(ACTIVATIONS)}] [--stride R,C] [--padding R,C|same] [--dilation R,C]
                       [--color] [--out FILE] [--json] [--backend cpu|auto|webgpu [--verbose]]
  kernel-studio train  --x FILE (--y FILE | --target-k FILE [--target-bias B|B1,…]) --kernel-shape HxW
                       [--out-channels O] [--init FILE | --seed N] [--bias | --no-bias] [--init-bias B|B1,…]
                       [--lr ${T.lr}] [--steps ${T.steps}] [--mode ${choices(MODES)}] [--activation ${choices(ACTIVATIONS)}]
                       [--stride R,C] [--padding R,C|same] [--dilation R,C] [--color]
                       [--loss ${choices(LOSS_KINDS)}] [--optimizer ${choices(OPTIMIZER_KINDS)}] [--log-every N] [--out FILE] [--json]
                       [--backend cpu|auto|webgpu [--verbose]]
  kernel-studio --help | --version

Matrix files: .json (2-D array; X may be 3-D C×H×W, K 3-D C×kh×kw or 4-D O×C×kh×kw),
.csv (comma, semicolon, tab or space separated; # comments; 2-D), .npy (float32/float64, 2-D to 4-D),
.safetensors (a Conv2d(1, 1) state dict's weight, as the app exports and imports it),
.png/.jpg/.jpeg (grayscale, scaled to 0..1; --color keeps R, G, B as 3 channels).

corr2d prints Y = act(conv(X, K) + bias) as rows (one block per output channel); "convolve" flips
each kernel in both axes first. --stride, --padding (zeros; "same" keeps X's size at stride 1) and --dilation take R,C or one number,
as PyTorch's nn.Conv2d. --bias is one number for every output channel or one per channel.
train runs full-batch gradient descent (on --backend) from seed ${T.seed} unless --init or --seed is given,
without a bias unless --bias, printing "batch N, loss L" every --log-every steps (default ${T.logEvery}),
then the learned kernel(s) and bias. X's channels are the layer's input channels.

--out FILE writes by extension: .json, .csv, .npy, or .safetensors (train only: a PyTorch
Conv2d(C, O, k, stride, padding, dilation) state dict, weight OIHW [O, C, kh, kw] plus bias [O]).
--json prints one JSON object instead: corr2d {"y": [[…]], "backend": "cpu"} (O×Ho×Wo when O > 1); train {"loss": […],
"weight": [[…]] (O×C×kh×kw unless O = C = 1, or --init's shape), "bias": b (a list when O > 1),
"backend": "cpu"} (plus "diverged": {"step", "loss"} when it diverged).

--backend cpu (default) runs our CPU kernels; webgpu runs our WebGPU programs through Dawn for Node
(the optional "webgpu" package; SwiftShader's Vulkan driver where no driver is chosen), failing if
there is none; auto picks WebGPU on a hardware GPU adapter, else the CPU, as the app does.
GPU drivers' own messages stay off stderr unless --verbose.

Exit codes: 0 success, 2 bad input or usage (one line on stderr), 3 training diverged.
`;
