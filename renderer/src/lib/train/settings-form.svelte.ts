/**
 * The Train settings form's edits: each goes to the document within its bound through the
 * document's one undoable path (`ExploreSession.edit`), or is refused with a one-line message.
 */
import { parseBounded, TRAINING_BOUNDS, type NumberBound, type NumericSetting } from '#core/bounds';
import type { MessageKey } from '../../i18n/en';
import type { Activation, Mode } from '#core/types';
import type { InitKind, StudioDocument, TrainingSettings } from '../../state/studio.svelte';
import type { DocChange } from '../explore/explore.svelte';
import { parseKernelText } from './settings';
import { targetFromKernel } from './target';

export class SettingsForm {
  /** Why the typed initial values were refused ('' when they were not). */
  initError = $state('');
  /** Which numeric field was refused and its range ('' when none). */
  fieldError = $state('');

  constructor(
    private readonly doc: StudioDocument,
    /** The one-line refusal of a field's text (grid/bad-number.ts in the app). */
    private readonly refusal: (label: MessageKey, bound: NumberBound) => string,
    /** Called after any change: the next Step/Run starts a new run. */
    private readonly onChange: () => void,
    /** The document's undoable edit (`ExploreSession.edit`). */
    private readonly edit: (change: DocChange) => void,
  ) {}

  update(patch: Partial<TrainingSettings>): void {
    this.apply({ training: { ...this.doc.training, ...patch } });
  }

  /** An edit of the document (one undo step), then a new run. */
  apply(change: DocChange): void {
    this.edit(change);
    this.onChange();
  }

  /** The layer's operation and activation, set from Train: the same document fields Explore sets. */
  setMode(mode: Mode): void {
    this.apply({ mode });
  }

  setActivation(activation: Activation): void {
    this.apply({ activation });
  }

  /** Commits a numeric field within its bound (core/bounds.ts), or names the field and range and restores the old value. */
  commit(key: NumericSetting, label: MessageKey, input: { value: string }): void {
    const bound = TRAINING_BOUNDS[key];
    const v = parseBounded(input.value, bound);
    if (v === null) {
      this.fieldError = this.refusal(label, bound);
      input.value = String(this.doc.training[key]);
      return;
    }
    this.fieldError = '';
    this.update({ [key]: v });
  }

  /** A drawn target starts as K's output, ready to edit. */
  setTargetSource(targetSource: 'kernel' | 'drawn'): void {
    const training = { ...this.doc.training, targetSource };
    const start = targetSource === 'drawn' && !this.doc.drawnTarget;
    this.apply(start ? { training, drawnTarget: targetFromKernel(this.doc) } : { training });
  }

  setInitKind(init: InitKind): void {
    const w = this.doc.training.initWeight;
    this.update(init === 'explicit' ? { init, kernelRows: w.rows, kernelCols: w.cols } : { init });
  }

  setInitText(text: string): void {
    const m = parseKernelText(text);
    if (typeof m === 'string') {
      this.initError = m;
      return;
    }
    this.initError = '';
    this.update({ initWeight: m, kernelRows: m.rows, kernelCols: m.cols });
  }
}
