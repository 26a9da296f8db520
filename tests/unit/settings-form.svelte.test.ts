import { describe, expect, it } from 'vitest';
import { fromRows } from '#core/matrix';
import type { NumberBound } from '#core/bounds';
import { SettingsForm } from '../../renderer/src/lib/train/settings-form.svelte';
import { StudioDocument } from '../../renderer/src/state/studio.svelte';
import { ExploreSession } from '../../renderer/src/lib/explore/explore.svelte';

function setup() {
  const doc = new StudioDocument();
  const session = new ExploreSession(doc);
  let changes = 0;
  const refusal = (label: string, b: NumberBound) => `${label}: from ${b.min} to ${b.max}`;
  const form = new SettingsForm(
    doc,
    refusal,
    () => changes++,
    (c) => session.edit(c),
  );
  return { doc, form, session, changes: () => changes };
}

describe("SettingsForm: Train's edits go through the document's one undoable path", () => {
  it('a setting, the mode, the activation and the drawn target are each one undo step', () => {
    const { doc, form, session } = setup();
    const before = { training: doc.training, mode: doc.mode, activation: doc.activation };
    form.commit('lr', 'train.lr', { value: '0.1' });
    form.setMode('convolve');
    form.setActivation('relu');
    form.setTargetSource('drawn');
    expect([doc.training.lr, doc.mode, doc.activation, doc.training.targetSource]).toEqual([
      0.1,
      'convolve',
      'relu',
      'drawn',
    ]);
    expect(doc.drawnTarget).not.toBeNull();
    session.undo();
    expect([doc.training.targetSource, doc.drawnTarget]).toEqual(['kernel', null]);
    session.undo();
    expect(doc.activation).toBe('none');
    session.undo();
    expect(doc.mode).toBe('correlate');
    session.undo();
    expect({ training: doc.training, mode: doc.mode, activation: doc.activation }).toEqual(before);
    expect(session.history.canUndo).toBe(false);
    session.redo();
    expect(doc.training.lr).toBe(0.1);
  });
});

describe('SettingsForm: the Train settings edits', () => {
  it('commits a number within its bound, and a new run follows', () => {
    const { doc, form, changes } = setup();
    form.commit('lr', 'train.lr', { value: '0.1' });
    expect(doc.training.lr).toBe(0.1);
    expect(form.fieldError).toBe('');
    expect(changes()).toBe(1);
  });

  it('refuses a bad number with the field and range named, and restores the kept value', () => {
    const { doc, form, changes } = setup();
    const input = { value: '1e999' };
    form.commit('lr', 'train.lr', input);
    expect(form.fieldError).toBe('train.lr: from 1e-12 to 1000000');
    expect(input.value).toBe(String(doc.training.lr));
    expect(changes()).toBe(0);
  });

  it('initial values set the learned kernel shape; bad text is refused', () => {
    const { doc, form } = setup();
    form.setInitText('0.3 0.2 0.1; 1 -1 0');
    expect([doc.training.kernelRows, doc.training.kernelCols]).toEqual([2, 3]);
    form.setInitText('1 2; 3');
    expect(form.initError).toBe('Every row needs the same number of values.');
    expect([doc.training.kernelRows, doc.training.kernelCols]).toEqual([2, 3]);
  });

  it("a drawn target starts as K's output; explicit init takes its values' shape", () => {
    const { doc, form } = setup();
    expect(doc.drawnTarget).toBeNull();
    form.setTargetSource('drawn');
    expect(doc.training.targetSource).toBe('drawn');
    expect([doc.drawnTarget?.rows, doc.drawnTarget?.cols]).toEqual([6, 7]);
    doc.training = { ...doc.training, initWeight: fromRows([[1], [2], [3]]) };
    form.setInitKind('explicit');
    expect([doc.training.kernelRows, doc.training.kernelCols]).toEqual([3, 1]);
  });
});
