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

  /**
   * Returns the state to restore, taking the current state onto the redo stack; null when there
   * is nothing to undo. `current` is asked for the current state of what is being restored (an
   * entry may hold only some fields: the current values of the same ones go to the other stack).
   */
  undo(current: (restoring: T) => T): T | null {
    return this.move(this.past, this.future, current);
  }

  redo(current: (restoring: T) => T): T | null {
    return this.move(this.future, this.past, current);
  }

  private move(from: T[], to: T[], current: (restoring: T) => T): T | null {
    const entry = from.pop();
    if (entry === undefined) return null;
    to.push(current(entry));
    this.lastGroup = null;
    this.sync();
    return entry;
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
