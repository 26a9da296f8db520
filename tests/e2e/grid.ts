import type { Locator, Page } from '@playwright/test';
import { expect } from './fixtures';

/** The editor panel (tools + grid) whose accessible name is `name`. */
export const panel = (app: Page, name: string): Locator => app.getByRole('group', { name, exact: true });
export const grid = (app: Page, name: string): Locator => app.getByRole('grid', { name, exact: true });
export const cell = (g: Locator, row: number, col: number): Locator =>
  g.getByRole('gridcell', { name: new RegExp(`^row ${row}, column ${col}, value `) });

/** Reads a grid back from its cells' accessible names ("row r, column c, value v"). */
export async function readGrid(app: Page, name: string): Promise<number[][]> {
  return grid(app, name).evaluate((el) => {
    const out: number[][] = [];
    for (const c of el.querySelectorAll('[role="gridcell"]')) {
      const m = /^row (\d+), column (\d+), value (\S+)$/.exec(c.getAttribute('aria-label') ?? '');
      if (!m) throw new Error(`unexpected cell name ${c.getAttribute('aria-label')}`);
      (out[Number(m[1]) - 1] ??= [])[Number(m[2]) - 1] = Number(m[3]);
    }
    return out;
  });
}

export async function expectGrid(app: Page, name: string, expected: number[][]): Promise<void> {
  await expect.poll(() => readGrid(app, name).catch(() => null)).toEqual(expected);
}

/** Sets one cell by keyboard: focus the grid, walk to it, type the value, Enter. */
export async function typeCell(
  app: Page,
  name: string,
  row: number,
  col: number,
  value: string,
): Promise<void> {
  await grid(app, name).focus();
  await app.keyboard.press('PageUp');
  for (let r = 1; r < row; r++) await app.keyboard.press('ArrowDown');
  await app.keyboard.press('Home');
  for (let c = 1; c < col; c++) await app.keyboard.press('ArrowRight');
  await app.keyboard.type(value);
  await app.keyboard.press('Enter');
}

/** Sets an editor panel's size through its Rows and Columns fields. */
export async function setSize(editor: Locator, rows: number, cols: number): Promise<void> {
  await editor.getByRole('spinbutton', { name: 'Rows' }).fill(String(rows));
  await editor.getByRole('spinbutton', { name: 'Rows' }).press('Tab');
  await editor.getByRole('spinbutton', { name: 'Columns' }).fill(String(cols));
  await editor.getByRole('spinbutton', { name: 'Columns' }).press('Tab');
}
