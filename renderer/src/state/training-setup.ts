/** Plain helpers of the training workbench (no runes): setup, labels and run records. Unit-tested. */
import { MAX_RUN_POINTS, MAX_RUNS, type RunPoint, type RunRecord } from '../../../core/workspace';
import type { TrainingSettings } from './studio.svelte';

/** Where Run stops: `steps` from the start, or `steps` more once the run is already there (a reopened run continues). */
export function runGoal(step: number, steps: number): number {
  return step >= steps ? step + steps : steps;
}

/** A run's label in the chart legend: the settings that tell runs apart. */
export function runLabel(s: TrainingSettings): string {
  const init = s.init === 'seeded' ? `seed ${s.seed}` : s.init;
  return `lr ${s.lr} · ${s.optimizer} · ${s.loss} · ${s.kernelRows}×${s.kernelCols}${s.useBias ? '+b' : ''} · ${init}`;
}

/**
 * At most `max` points of a curve for the workspace file: every other point is
 * dropped until it fits, the last one always kept (main's run log keeps them all).
 */
export function thinPoints(points: readonly RunPoint[], max = MAX_RUN_POINTS): RunPoint[] {
  const limit = Math.max(2, max);
  let out = [...points];
  while (out.length > limit) {
    const last = out[out.length - 1];
    out = out.filter((_, i) => i % 2 === 0);
    if (out[out.length - 1] !== last) out.push(last);
  }
  return out;
}

/** The document's runs with `record` added or replaced (same id), the oldest dropped past MAX_RUNS. */
export function upsertRun(runs: readonly RunRecord[], record: RunRecord): RunRecord[] {
  const at = runs.findIndex((r) => r.id === record.id);
  const next = at >= 0 ? runs.map((r, i) => (i === at ? record : r)) : [...runs, record];
  return next.slice(-MAX_RUNS);
}

/** When a run starts, ISO 8601 (a run record's `createdAt`). */
export function nowIso(): string {
  return new Date().toISOString();
}
