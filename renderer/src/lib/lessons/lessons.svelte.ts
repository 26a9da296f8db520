/**
 * The Lessons panel's state: open or not, the step last applied, and the learner's progress
 * (steps visited, exercises checked right), kept per user in localStorage like the language
 * and the backend choice. Applying a step goes through the host: one undoable whole-state edit,
 * then the view and the highlight.
 */
import type { Lesson, LessonHighlight, LessonStep, LessonView } from '#core/lessons';
import type { DocumentChange } from '#core/presets';
import { LESSONS, stepKey } from '#core/lessons';
import { tick } from 'svelte';
import type { ExploreSession } from '../explore/explore.svelte';

export const LESSONS_STORAGE_KEY = 'kernel-studio.lessons';

/** What the panel needs of the app. */
export interface LessonHost {
  /** Puts the document in the step's whole state (core's `documentState`) as one undo step. */
  applyState(state: DocumentChange): void;
  /** Shows the step's view with its highlight (and the matrix-product view when asked). */
  show(view: LessonView, highlight: LessonHighlight | null, showIm2col: boolean): void;
}

export type LessonStorage = Pick<Storage, 'getItem' | 'setItem'>;

interface Saved {
  readonly done: readonly string[];
  /** The panel was opened once: the first-launch offer is not shown again. */
  readonly opened: boolean;
}

/** The saved progress, or a fresh start when there is none or it does not read (never throws). */
function load(storage: LessonStorage | undefined): Saved {
  try {
    const raw: unknown = JSON.parse(storage?.getItem(LESSONS_STORAGE_KEY) ?? 'null');
    if (raw && typeof raw === 'object') {
      const { done, opened } = raw as Partial<Saved>;
      return {
        done: Array.isArray(done) ? done.filter((d): d is string => typeof d === 'string') : [],
        opened: opened === true,
      };
    }
  } catch {
    // A damaged entry is a fresh start, not an error the learner can act on.
  }
  return { done: [], opened: false };
}

export class LessonsState {
  #open = $state(false);
  #opened = $state(false);
  #done = $state.raw<readonly string[]>([]);
  #current = $state<string | null>(null);

  constructor(
    private readonly host: LessonHost,
    private readonly storage: LessonStorage | undefined = globalThis.localStorage,
  ) {
    const saved = load(storage);
    this.#done = saved.done;
    this.#opened = saved.opened;
  }

  get open(): boolean {
    return this.#open;
  }

  /** First launch: the lessons have never been opened, so the toolbar offers them. */
  get offered(): boolean {
    return !this.#opened;
  }

  /** The key of the step last applied ("s72.corr2d"). */
  get current(): string | null {
    return this.#current;
  }

  toggle(): void {
    this.setOpen(!this.#open);
  }

  setOpen(open: boolean): void {
    this.#open = open;
    if (open && !this.#opened) {
      this.#opened = true;
      this.save();
    }
  }

  /** Applies the step's whole state (one undo step) and shows it; a step without an exercise is done once visited. */
  go(lesson: Lesson, step: LessonStep): void {
    this.host.applyState(step.state);
    this.host.show(step.view, step.highlight ?? null, step.showIm2col === true);
    const key = stepKey(lesson, step);
    this.#current = key;
    if (!step.exercise) this.markDone(key);
  }

  isDone(key: string): boolean {
    return this.#done.includes(key);
  }

  markDone(key: string): void {
    if (this.#done.includes(key)) return;
    this.#done = [...this.#done, key];
    this.save();
  }

  /** Steps done out of a lesson's steps. */
  progress(lesson: Lesson): { done: number; total: number } {
    return {
      done: lesson.steps.filter((s) => this.#done.includes(stepKey(lesson, s))).length,
      total: lesson.steps.length,
    };
  }

  /** Every lesson, in the panel's order. */
  get lessons(): readonly Lesson[] {
    return LESSONS;
  }

  private save(): void {
    const saved: Saved = { done: this.#done, opened: this.#opened };
    try {
      this.storage?.setItem(LESSONS_STORAGE_KEY, JSON.stringify(saved));
    } catch {
      // Storage full or refused: progress stays for this session.
    }
  }
}

/**
 * The app as a lesson host: the Explore session's undoable edits, its tabs and hovered cell (a
 * window highlight), the app's view, and `point` for what else a step points at.
 */
export function lessonHost(
  session: Pick<ExploreSession, 'applyState' | 'view' | 'hover' | 'showIm2col'>,
  showView: (view: 'explore' | 'train') => void,
  point: (view: LessonView, highlight: LessonHighlight | null) => void = () => {},
): LessonHost {
  return {
    applyState: (state) => session.applyState(state),
    show: (view, highlight, showIm2col) => {
      showView(view === 'train' ? 'train' : 'explore');
      if (view !== 'train') session.view = view;
      session.hover = highlight?.kind === 'window' ? { row: highlight.row, col: highlight.col } : null;
      session.showIm2col = showIm2col;
      // After the view has rendered the state: what is pointed at is the new state's.
      void tick().then(() => point(view, highlight));
    },
  };
}
