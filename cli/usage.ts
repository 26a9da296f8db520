/** The --help text; kept next to the option tables it documents. */
export const USAGE = `Kernel Studio, headless: 2-D convolution kernels from the command line.

Usage:
  kernel-studio corr2d --x FILE --k FILE [--mode correlate|convolve] [--bias B]
                       [--activation none|relu] [--out FILE] [--json] [--backend cpu|auto|webgpu]
  kernel-studio train  --x FILE (--y FILE | --target-k FILE [--target-bias B]) --kernel-shape HxW
                       [--init FILE | --seed N] [--bias | --no-bias] [--init-bias B]
                       [--lr 0.03] [--steps 10] [--mode correlate|convolve] [--activation none|relu]
                       [--loss sum|mean] [--optimizer sgd|momentum|adam] [--log-every N] [--out FILE] [--json]
                       [--backend cpu|auto|webgpu]
  kernel-studio --help | --version

Matrix files: .json (2-D array), .csv (comma, semicolon, tab or space separated; # comments),
.npy (float32/float64, 2-D), .png/.jpg/.jpeg (grayscale, scaled to 0..1).

corr2d prints Y = act(corr2d(X, K) + bias) as rows; "convolve" flips K in both axes first.
train runs full-batch gradient descent (on --backend) from seed 0 unless --init or --seed is given,
without a bias unless --bias, printing "batch N, loss L" every --log-every steps (default 2),
then the learned kernel and bias.

--out FILE writes by extension: .json, .csv, .npy, or .safetensors (train only: a PyTorch
Conv2d(1, 1) state dict, weight OIHW [1, 1, kh, kw] plus bias [1]).
--json prints one JSON object instead: corr2d {"y": [[…]], "backend": "cpu"}; train {"loss": […],
"weight": [[…]], "bias": b, "backend": "cpu"} (plus "diverged": {"step", "loss"} when it diverged).

--backend cpu (default) runs our CPU kernels; webgpu runs our WebGPU programs through Dawn for Node
(the optional "webgpu" package; SwiftShader's Vulkan driver where no driver is chosen), failing if
there is none; auto picks WebGPU on a hardware GPU adapter, else the CPU, as the app does.

Exit codes: 0 success, 2 bad input or usage (one line on stderr), 3 training diverged.
`;
