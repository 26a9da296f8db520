/**
 * Points at what a lesson step says to look at: the element named as the app names it (the
 * grids', the shape line's and the chart's accessible names, from the i18n catalogs) is scrolled
 * into view and outlined for a moment (`data-lesson-highlight`). Views render asynchronously (Y
 * after its forward pass), so it waits a few frames for the element to appear.
 */
import type { LessonHighlight, LessonView } from '#core/lessons';
import type { MessageKey } from '../../i18n/en';

type Target = readonly [MessageKey, Record<string, number>?];
type Kind = Exclude<LessonHighlight['kind'], 'window'>;

/** The accessible name of what each highlight points at, per view. */
const TARGETS: Record<LessonView, Partial<Record<Kind, Target>>> = {
  kernel: { x: ['explore.inputX'], k: ['explore.kernelK'], y: ['explore.outputY'] },
  layer: {
    x: ['layer.x', { c: 1 }],
    k: ['layer.k', { o: 1, c: 1 }],
    y: ['layer.y', { o: 1 }],
    shape: ['layer.shape'],
  },
  train: { chart: ['train.chart.label'] },
};

const FLASH_MS = 2500;
const ATTRIBUTE = 'data-lesson-highlight';

export function pointAt(
  view: LessonView,
  highlight: LessonHighlight | null,
  t: (key: MessageKey, params?: Record<string, number>) => string,
  tries = 60,
): void {
  if (!highlight || highlight.kind === 'window' || typeof document === 'undefined') return;
  const target = TARGETS[view][highlight.kind];
  if (!target) return;
  const element = document.querySelector(`[aria-label="${CSS.escape(t(target[0], target[1]))}"]`);
  if (!(element instanceof HTMLElement)) {
    if (tries > 0) requestAnimationFrame(() => pointAt(view, highlight, t, tries - 1));
    return;
  }
  element.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  element.setAttribute(ATTRIBUTE, '');
  setTimeout(() => element.removeAttribute(ATTRIBUTE), FLASH_MS);
}
