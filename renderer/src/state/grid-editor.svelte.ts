/**
 * The per-editor interaction state of a GridEditor: the tool, the brush value, the
 * keyboard cursor and the digits typed so far. The matrix itself is not here: it is
 * a prop, and every edit goes out through `onChange` as a new matrix.
 */
import { BOUNDS, parseBounded } from '#core/bounds';
import type { Matrix } from '#core/matrix';

export type GridTool = 'paint' | 'erase' | 'pick' | 'fill';
export const GRID_TOOLS: readonly GridTool[] = ['paint', 'erase', 'pick', 'fill'];

const TYPABLE = /^[0-9.\-eE]$/;

export class GridEditorState {
  tool = $state<GridTool>('paint');
  brush = $state(1);
  row = $state(0);
  col = $state(0);
  /** Digits typed at the cursor, not yet committed with Enter. */
  typing = $state('');
  seed = $state(1);
  /** What was last typed into a cell and refused (the cell kept its value); '' when none. */
  refused = $state('');

  /** Keeps the cursor inside a grid that may have shrunk. */
  clamp(m: Matrix): void {
    if (this.row >= m.rows) this.row = m.rows - 1;
    if (this.col >= m.cols) this.col = m.cols - 1;
  }

  moveTo(row: number, col: number, m: Matrix): void {
    this.row = Math.max(0, Math.min(m.rows - 1, row));
    this.col = Math.max(0, Math.min(m.cols - 1, col));
    this.typing = '';
    this.refused = '';
  }

  /** Handles a key that moves the cursor or types; returns true when the key was used. */
  navigate(key: string, m: Matrix): boolean {
    const moves: Record<string, [number, number]> = {
      ArrowUp: [-1, 0],
      ArrowDown: [1, 0],
      ArrowLeft: [0, -1],
      ArrowRight: [0, 1],
    };
    const move = moves[key];
    if (move) {
      this.moveTo(this.row + move[0], this.col + move[1], m);
      return true;
    }
    if (key === 'Home') this.moveTo(this.row, 0, m);
    else if (key === 'End') this.moveTo(this.row, m.cols - 1, m);
    else if (key === 'PageUp') this.moveTo(0, this.col, m);
    else if (key === 'PageDown') this.moveTo(m.rows - 1, this.col, m);
    else if (key === 'Escape') this.typing = '';
    else if (key === 'Backspace') this.typing = this.typing.slice(0, -1);
    else if (TYPABLE.test(key)) this.typing += key;
    else return false;
    return true;
  }

  /** The typed value, or null when nothing valid is typed (then `refused` holds the text). Clears the buffer. */
  takeTyped(): number | null {
    const text = this.typing.trim();
    this.typing = '';
    const v = parseBounded(text, BOUNDS.value);
    this.refused = v === null ? text : '';
    return v;
  }
}
