/** Plain helpers of the training workbench (no runes): setup, labels and run records. Unit-tested. */
import type { Shape } from '#core/train/setup';
import { MAX_RUN_POINTS, MAX_RUNS, type RunPoint, type RunRecord } from '#core/workspace/index';
import { en, type MessageKey } from '../i18n/en';
import { formatMessage } from '../i18n/format';
import { zh } from '../i18n/zh';
import type { TrainingSettings } from './studio.svelte';

/** A message catalog lookup (`I18n.t`). */
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;
/** Names a run from its number and settings, in the UI's language. */
export type RunNamer = (number: number, s: TrainingSettings) => string;

/** Where Run stops: `steps` from the start, or `steps` more once the run is already there (a reopened run continues). */
export function runGoal(step: number, steps: number): number {
  return step >= steps ? step + steps : steps;
}

/**
 * A run's name in the run list, the chart legend and the log: its number, then the
 * settings that tell runs apart ("Run 3 · lr 0.03 · sgd · sum · 1×2 · seed 0").
 */
export function runLabel(t: Translate, number: number, s: TrainingSettings): string {
  return t('train.run.label', {
    number,
    lr: s.lr,
    optimizer: t(`train.run.${s.optimizer}`),
    loss: t(`train.run.${s.loss}`),
    shape: `${s.kernelRows}×${s.kernelCols}${s.useBias ? '+b' : ''}`,
    init: t(`train.run.${s.init}`, { seed: s.seed }),
  });
}

/** Names runs in English (a session without a UI language: the unit tests). */
export const englishRunNamer: RunNamer = (number, s) =>
  runLabel((key, params) => formatMessage(en[key], params), number, s);

/** "Run 3 …" / "运行 3 …" in every language the labels may have been written in. */
const NUMBERED = [en, zh].map(
  (catalog) =>
    new RegExp(
      `^${catalog['train.run.label'].split('{number}')[0].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\d+)`,
    ),
);

/**
 * The next run's number: one past the highest among the labels and `given` (the highest number
 * the workspace ever gave: removed runs keep their numbers taken); 1 for the first run.
 */
export function nextRunNumber(labels: readonly string[], given = 0): number {
  let highest = given;
  for (const label of labels)
    for (const pattern of NUMBERED) {
      const match = pattern.exec(label);
      if (match) highest = Math.max(highest, Number(match[1]));
    }
  return highest + 1;
}

/** How the target Y relates to the Ŷ the learned kernel makes from X: same shape, larger (cropped), or too small. */
export type ShapeFit = 'same' | 'crop' | 'tooSmall';

/** Same shape; a larger Y (Run learns its top-left block); or too small (Run cannot start), as core's cropTarget decides. */
export function shapeFit(target: Shape, out: Shape): ShapeFit {
  if (out.rows < 1 || out.cols < 1 || target.rows < out.rows || target.cols < out.cols) return 'tooSmall';
  return target.rows === out.rows && target.cols === out.cols ? 'same' : 'crop';
}

/** Kept here for the renderer's imports; core/train/fit.ts owns them. */
export { learnKShape, roundLr, fitTraining as trainingForPreset } from '#core/train/fit';

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
