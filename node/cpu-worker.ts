/** A CPU pool worker (worker_threads): computes the bands core/cpu/pool.ts sends it. */
import { parentPort } from 'node:worker_threads';
import type { BandRuns, BandTask } from '#core/cpu/pool';
import { runBandTask } from '#core/cpu/pool';

const port = parentPort;
const runs: BandRuns = new Map();
port?.on('message', (task: BandTask) => {
  const { result, transfer } = runBandTask(task, runs);
  port.postMessage(result, transfer);
});
