/** Plain helpers of the training workbench (no runes): setup, labels and run records. Unit-tested. */
import type { Shape } from '#core/train/setup';
import { MAX_RUN_POINTS, MAX_RUNS, type RunPoint, type RunRecord } from '#core/workspace/index';
import { en, type MessageKey } from '../i18n/en';
import { formatMessage } from '../i18n/format';

/** A message catalog lookup (`I18n.t`). */
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;
/** What a run's name is made of: its settings and facts, or (a run saved before facts were kept) its saved name. */
export type RunNameParts = Pick<RunRecord, 'label' | 'settings' | 'facts'>;
/** Names a run in the UI's language. */
export type RunNamer = (run: RunNameParts) => string;

/** Where Run stops: `steps` from the start, or `steps` more once the run is already there (a reopened run continues). */
export function runGoal(step: number, steps: number): number {
  return step >= steps ? step + steps : steps;
}

/**
 * A run's name in the run list, the chart legend and the log, written from its facts in the
 * current language: its number, then what tells runs apart ("Run 3 · lr 0.03 · sgd · sum · 1×2 ·
 * seed 0"; a layer's kernels as O×C×kh×kw; "· convolve" when the layer convolves).
 */
export function runLabel(t: Translate, run: RunNameParts): string {
  const f = run.facts;
  if (!f) return run.label;
  const s = run.settings;
  const layer = f.outChannels * f.inChannels > 1 ? `${f.outChannels}×${f.inChannels}×` : '';
  const label = t('train.run.label', {
    number: f.number,
    lr: s.lr,
    optimizer: t(`train.run.${s.optimizer}`),
    loss: t(`train.run.${s.loss}`),
    shape: `${layer}${s.kernelRows}×${s.kernelCols}${s.useBias ? '+b' : ''}`,
    init: t(`train.run.${s.init}`, { seed: s.seed }),
  });
  return f.mode === 'convolve' ? `${label} · ${t('train.run.convolve')}` : label;
}

/** Names runs in English (a session without a UI language: the unit tests). */
export const englishRunNamer: RunNamer = (run) =>
  runLabel((key, params) => formatMessage(en[key], params), run);

/**
 * The next run's number: one past the highest among the runs' numbers and `given` (the highest
 * number the workspace ever gave: removed runs keep their numbers taken); 1 for the first run.
 * Runs saved before their facts were kept count one number each.
 */
export function nextRunNumber(runs: readonly Pick<RunRecord, 'facts'>[], given = 0): number {
  const numbers = runs.map((r) => r.facts?.number ?? 0);
  return Math.max(given, numbers.filter((n) => n === 0).length, ...numbers) + 1;
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
