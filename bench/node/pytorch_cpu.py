"""PyTorch CPU peers for the CPU bench (bench/node/pytorch.ts runs this): fp32, all threads.

Prints one JSON object {threads, torch, dnnl_max_cpu_isa, results: [{workload, median_ms, runs,
min_ms, max_ms}]}. Workload names and problems match bench/node/cpu.ts, row for row.
oneDNN picks its code path once per process, so pytorch.ts runs this twice (default and
DNNL_MAX_CPU_ISA=AVX2) and keeps each row's faster path.
Optional: the bench skips these rows when python3 or torch is missing.
"""
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(os.cpu_count() or 1)
quick = "--quick" in sys.argv
# --only=NAME|NAME…: time only these workloads (bench/node/run-cpu-threads.ts asks for its rows).
only = next((a[len("--only=") :].split("|") for a in sys.argv if a.startswith("--only=")), None)
RUNS, WARMUP = (3, 1) if quick else (10, 3)
# Like the tfjs peers: at most ~4 s of timed runs per workload, never fewer than 3 runs.
BUDGET_MS = 500 if quick else 4000


def timed(fn, runs=RUNS, warmup=WARMUP):
    warm_ms = 1e-3
    for _ in range(warmup):
        t0 = time.perf_counter()
        fn()
        warm_ms = max((time.perf_counter() - t0) * 1000, 1e-3)
    runs = max(3, min(runs, int(BUDGET_MS / warm_ms)))
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    mid = len(times) // 2
    median = times[mid] if len(times) % 2 else (times[mid - 1] + times[mid]) / 2
    return {"median_ms": median, "runs": runs, "min_ms": times[0], "max_ms": times[-1]}


results = []
g = torch.Generator().manual_seed(0)


def add(workload, fn, **kw):
    if only is None or workload in only:
        results.append({"workload": workload, **timed(fn, **kw)})


def forward_row(workload, side, k, bias=None):
    x = torch.rand(1, 1, side, side, generator=g) * 2 - 1
    w = torch.rand(1, 1, k, k, generator=g)
    b = None if bias is None else torch.tensor([bias])

    def run():
        with torch.no_grad():
            y = F.conv2d(x, w, b)
            return y if bias is None else torch.relu_(y)

    add(workload, run)


def sgd_train(x, y, shape, use_bias, loss_kind, lr, steps):
    w = torch.rand(*shape, generator=g).requires_grad_()
    b = torch.zeros(shape[0], requires_grad=True) if use_bias else None
    for _ in range(steps):
        d = F.conv2d(x, w, b) - y
        loss = (d * d).mean() if loss_kind == "mean" else (d * d).sum()
        w.grad = None
        if b is not None:
            b.grad = None
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
            if b is not None:
                b -= lr * b.grad
    return loss.item()


for side in [1024] if quick else [1024, 2048]:
    for k in [3] if quick else [3, 7, 11]:
        forward_row(f"corr2d {side}² {k}×{k}", side, k)
forward_row("edit→Y 256² 11×11 (bias+relu)", 256, 11, 0.1)

# d2l's toy (bench/configs.ts): 6×8, columns 2–5 black, K = [1, −1], no bias, sum loss, lr 3e-2.
xd = torch.ones(1, 1, 6, 8)
xd[:, :, :, 2:6] = 0
yd = F.conv2d(xd, torch.tensor([[[[1.0, -1.0]]]]))
add("train d2l 6×8 1×2, 10 steps", lambda: sgd_train(xd, yd, (1, 1, 1, 2), False, "sum", 3e-2, 10))

if not quick:
    add("train d2l 6×8 1×2, 1000 steps", lambda: sgd_train(xd, yd, (1, 1, 1, 2), False, "sum", 3e-2, 1000))
    x = torch.rand(1, 1, 256, 256, generator=g) * 2 - 1
    y = F.conv2d(x, torch.rand(1, 1, 5, 5, generator=g)) + 0.3
    for steps in [100, 5]:
        add(
            f"train 256² 5×5+bias, {steps} steps",
            lambda: sgd_train(x, y, (1, 1, 5, 5), True, "mean", 0.1, steps),
            runs=5 if steps == 100 else RUNS,
            warmup=1 if steps == 100 else WARMUP,
        )

    # bench/layer-problem.ts: RGB 512² → 8 channels, 3×3 "same", bias, mean loss, SGD lr 1e-2.
    x8 = torch.rand(1, 3, 512, 512, generator=g) * 2 - 1
    w8 = torch.rand(8, 3, 3, 3, generator=g) - 0.5
    b8 = torch.zeros(8)

    def layer_forward():
        with torch.no_grad():
            return F.conv2d(x8, w8, b8, padding=1)

    add("layer RGB 512² → 8, 3×3 same", layer_forward)
    y8 = torch.rand(1, 8, 512, 512, generator=g) * 2 - 1
    w8 = w8.clone().requires_grad_()
    b8 = b8.clone().requires_grad_()

    def layer_step():
        loss = ((F.conv2d(x8, w8, b8, padding=1) - y8) ** 2).mean()
        w8.grad = None
        b8.grad = None
        loss.backward()
        with torch.no_grad():
            w8.sub_(1e-2 * w8.grad)
            b8.sub_(1e-2 * b8.grad)
        return loss.item()

    add("train layer RGB 512² → 8, 3×3 same+bias, 1 step", layer_step)

print(
    json.dumps(
        {
            "threads": torch.get_num_threads(),
            "torch": torch.__version__,
            "dnnl_max_cpu_isa": os.environ.get("DNNL_MAX_CPU_ISA", ""),
            "results": results,
        }
    )
)
