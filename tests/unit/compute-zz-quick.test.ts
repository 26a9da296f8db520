import { it } from 'vitest';
import { CpuTrainer } from '../../core/cpu';
import { randomKernel, randomMatrix } from '../../core/random';
it('speed', () => {
  const x = randomMatrix(256, 256, 1), y = randomMatrix(252, 252, 2);
  const t = new CpuTrainer({ x, y, mode: 'correlate', activation: 'none', useBias: true, loss: 'mean', optimizer: { kind: 'sgd', lr: 0.01 }, initWeight: randomKernel(5, 5, 3), initBias: 0 });
  t.runSync(50);
  const ts: number[] = [];
  for (let i = 0; i < 15; i++) { const s = performance.now(); t.runSync(100); ts.push((performance.now() - s) / 100); }
  ts.sort((a, b) => a - b); console.log('step ms', ts[7].toFixed(3));
});
