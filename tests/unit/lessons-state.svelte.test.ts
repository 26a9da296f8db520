/** The Lessons panel's state on the real document and undo history: one step, one undo; progress kept per user. */
import { describe, expect, it } from 'vitest';
import { lessonById, stepKey, type LessonStep } from '#core/lessons';
import { toRows } from '#core/matrix';
import { ExploreSession } from '../../renderer/src/lib/explore/explore.svelte';
import {
  LESSONS_STORAGE_KEY,
  LessonsState,
  lessonHost,
  type LessonStorage,
} from '../../renderer/src/lib/lessons/lessons.svelte';
import { StudioDocument } from '../../renderer/src/state/studio.svelte';

/** A Storage in memory (what localStorage is to the class: getItem and setItem). */
function memoryStorage(
  initial: Record<string, string> = {},
): LessonStorage & { data: Record<string, string> } {
  const data = { ...initial };
  return { data, getItem: (k) => data[k] ?? null, setItem: (k, v) => void (data[k] = v) };
}

function setup(storage = memoryStorage()) {
  const doc = new StudioDocument();
  const session = new ExploreSession(doc);
  let view: 'explore' | 'train' = 'explore';
  const lessons = new LessonsState(
    lessonHost(session, (v) => (view = v)),
    storage,
  );
  return { doc, session, lessons, storage, view: () => view };
}

const step = (lesson: 's72' | 's73' | 's74', id: string): LessonStep =>
  lessonById(lesson).steps.find((s) => s.id === id)!;

describe('LessonsState', () => {
  it('applies a step’s whole state as one undo step, with its view and highlight', () => {
    const { doc, session, lessons, view } = setup();
    const before = toRows(doc.x);
    lessons.go(lessonById('s73'), step('s73', 'strideRect'));
    expect(doc.stride).toEqual([3, 4]);
    expect(doc.padding).toEqual([0, 1]);
    expect(session.view).toBe('layer');
    lessons.go(lessonById('s72'), step('s72', 'receptiveField'));
    // Whole state: nothing of the stride example is left.
    expect(doc.stride).toEqual([1, 1]);
    expect(doc.padding).toEqual([0, 0]);
    expect(toRows(doc.k)).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(session.view).toBe('kernel');
    expect(session.hover).toEqual({ row: 0, col: 0 });
    session.undo();
    expect(doc.stride).toEqual([3, 4]);
    session.undo();
    expect(toRows(doc.x)).toEqual(before);
    expect(view()).toBe('explore');
  });

  it('a training step sets Train’s settings (in the same undo step) and shows Train', () => {
    const { doc, session, lessons, view } = setup();
    const lr = doc.training.lr;
    doc.training = { ...doc.training, lr: 0.5, steps: 99 };
    lessons.go(lessonById('s72'), step('s72', 'learn'));
    expect(view()).toBe('train');
    expect(doc.training).toMatchObject({
      lr: 0.03,
      steps: 10,
      kernelRows: 1,
      kernelCols: 2,
      init: 'explicit',
    });
    session.undo();
    expect(doc.training.lr).toBe(0.5);
    expect(lr).toBe(0.03);
  });

  it('keeps progress per user: visited steps, the first-launch offer, across sessions', () => {
    const storage = memoryStorage();
    const first = setup(storage).lessons;
    expect(first.offered).toBe(true);
    first.setOpen(true);
    expect(first.offered).toBe(false);
    const s72 = lessonById('s72');
    first.go(s72, step('s72', 'corr2d'));
    // An exercise is done when checked, not when visited.
    first.go(s72, step('s72', 'zeroTransposed'));
    expect(first.isDone(stepKey(s72, step('s72', 'corr2d')))).toBe(true);
    expect(first.isDone(stepKey(s72, step('s72', 'zeroTransposed')))).toBe(false);
    first.markDone(stepKey(s72, step('s72', 'zeroTransposed')));

    const again = setup(storage).lessons;
    expect(again.offered).toBe(false);
    expect(again.open).toBe(false);
    expect(again.progress(s72)).toEqual({ done: 2, total: s72.steps.length });
  });

  it('a damaged saved entry is a fresh start, not an error', () => {
    for (const bad of ['{not json', '"text"', '{"done": [1, null, "s72.corr2d"], "opened": "yes"}']) {
      const { lessons } = setup(memoryStorage({ [LESSONS_STORAGE_KEY]: bad }));
      expect(lessons.offered).toBe(true);
      expect(lessons.progress(lessonById('s72')).done).toBe(bad.includes('s72.corr2d') ? 1 : 0);
    }
  });
});
