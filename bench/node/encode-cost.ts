/**
 * The host's share of a training run: the synchronous part of `Trainer.run(n)` (writing the
 * uniforms, encoding every step, submitting, queueing the readback), which is what a real GPU
 * waits on when the steps' arithmetic takes microseconds. Median of 15 runs after 3 warm-ups,
 * on Dawn for Node (SwiftShader where no Vulkan driver is chosen).
 * Command: npx jiti bench/node/encode-cost.ts
 */
import { installDawn, preferSwiftShaderIcd } from '../../cli/dawn';
import { largeTrainConfig } from '../configs';
import { median } from '../timing';
import { oneKernelLayer } from '../../tests/helpers/one-kernel';

preferSwiftShaderIcd();
const dawn = await installDawn();
if (!dawn.ok) throw new Error(dawn.reason);
const { createWebGpuBackend } = await import('../../gpu/backend');
const gpu = await createWebGpuBackend();

const big = largeTrainConfig();
for (const steps of [10, 100]) {
  const trainer = await gpu.createLayerTrainer(oneKernelLayer(big));
  const encode: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < 18; i++) {
    const t0 = performance.now();
    const pending = trainer.run(steps);
    const t1 = performance.now();
    await pending;
    if (i >= 3) {
      encode.push(t1 - t0);
      total.push(performance.now() - t0);
    }
  }
  trainer.dispose();
  const perStep = (median(encode) * 1000) / steps;
  console.log(
    `train 256² 5×5+bias, ${steps} steps (${trainer.path}): host ${median(encode).toFixed(3)} ms (${perStep.toFixed(1)} µs/step), wall ${median(total).toFixed(1)} ms`,
  );
}
gpu.dispose();
