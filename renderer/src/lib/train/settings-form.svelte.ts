/** The Train settings form's edits: each goes to the document within its bound, or is refused with a one-line message. */
import { parseBounded, TRAINING_BOUNDS, type NumberBound, type NumericSetting } from '#core/bounds';
import type { MessageKey } from '../../i18n/en';
import type { InitKind, StudioDocument, TrainingSettings } from '../../state/studio.svelte';
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
  ) {}

  update(patch: Partial<TrainingSettings>): void {
    this.doc.training = { ...this.doc.training, ...patch };
    this.onChange();
  }

  /** A change of the document outside the training settings (mode, activation). */
  changed(): void {
    this.onChange();
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
    if (targetSource === 'drawn' && !this.doc.drawnTarget) this.doc.drawnTarget = targetFromKernel(this.doc);
    this.update({ targetSource });
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
