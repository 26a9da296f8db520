"""PyTorch CPU peers for the CPU bench (bench/node/pytorch.ts runs this): fp32, all threads.

Prints one JSON list of {workload, median_ms, runs}. Workload names match bench/node/cpu.ts.
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
RUNS, WARMUP = (3, 1) if quick else (10, 3)


def timed(fn, runs=RUNS, warmup=WARMUP):
    for _ in range(warmup):
        fn()
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
for k in [3] if quick else [3, 7]:
    x = torch.rand(1, 1, 1024, 1024, generator=g) * 2 - 1
    w = torch.rand(1, 1, k, k, generator=g)
    with torch.no_grad():
        results.append({"workload": f"corr2d 1024² {k}×{k}", **timed(lambda: F.conv2d(x, w))})

if not quick:
    x = torch.rand(1, 1, 256, 256, generator=g) * 2 - 1
    y = F.conv2d(x, torch.rand(1, 1, 5, 5, generator=g)) + 0.3

    def train(steps=100):
        w = torch.rand(1, 1, 5, 5, generator=g).requires_grad_()
        b = torch.zeros(1, requires_grad=True)
        for _ in range(steps):
            loss = ((F.conv2d(x, w, b) - y) ** 2).mean()
            w.grad = None
            b.grad = None
            loss.backward()
            with torch.no_grad():
                w -= 0.1 * w.grad
                b -= 0.1 * b.grad

    results.append({"workload": "train 256² 5×5+bias, 100 steps", **timed(train, runs=5, warmup=1)})

    x8 = torch.rand(1, 3, 512, 512, generator=g) * 2 - 1
    w8 = torch.rand(8, 3, 3, 3, generator=g) - 0.5
    b8 = torch.zeros(8)
    with torch.no_grad():
        results.append(
            {"workload": "layer RGB 512² → 8, 3×3 same", **timed(lambda: F.conv2d(x8, w8, b8, padding=1))}
        )
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

    results.append({"workload": "train layer RGB 512² → 8, 3×3 same+bias, 1 step", **timed(layer_step)})

print(json.dumps({"threads": torch.get_num_threads(), "torch": torch.__version__, "results": results}))
