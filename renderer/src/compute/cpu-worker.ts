/** A CPU pool worker (Web Worker): computes the bands core/cpu/pool.ts sends it. */
import type { BandRuns, BandTask } from '#core/cpu/pool';
import { runBandTask } from '#core/cpu/pool';

const scope = self as unknown as {
  onmessage: ((e: { data: BandTask }) => void) | null;
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
};
const runs: BandRuns = new Map();
scope.onmessage = (e) => {
  const { result, transfer } = runBandTask(e.data, runs);
  scope.postMessage(result, transfer);
};
