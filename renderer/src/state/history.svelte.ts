/**
 * Undo/redo as two stacks of immutable snapshots. Every edit records the state
 * *before* it; a drag stroke passes one `group` key so the whole stroke is one step.
 */
export class History<T> {
  canUndo = $state(false);
  canRedo = $state(false);
  private past: T[] = [];
  private future: T[] = [];
  private lastGroup: string | null = null;

  constructor(private readonly limit = 200) {}

  /** Records `before` as an undo step, unless it continues the same `group` as the last record. */
  record(before: T, group?: string): void {
    if (group !== undefined && group === this.lastGroup) return;
    this.lastGroup = group ?? null;
    this.past.push(before);
    if (this.past.length > this.limit) this.past.shift();
    this.future = [];
    this.sync();
  }

  /** Returns the state to restore, taking `current` onto the redo stack; null when there is nothing to undo. */
  undo(current: T): T | null {
    const previous = this.past.pop();
    if (previous === undefined) return null;
    this.future.push(current);
    this.lastGroup = null;
    this.sync();
    return previous;
  }

  redo(current: T): T | null {
    const next = this.future.pop();
    if (next === undefined) return null;
    this.past.push(current);
    this.lastGroup = null;
    this.sync();
    return next;
  }

  clear(): void {
    this.past = [];
    this.future = [];
    this.lastGroup = null;
    this.sync();
  }

  private sync(): void {
    this.canUndo = this.past.length > 0;
    this.canRedo = this.future.length > 0;
  }
}
