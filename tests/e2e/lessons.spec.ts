/**
 * The Lessons panel through roles and names, in English and 中文: from a fresh start every code
 * cell of d2l 7.2–7.4 is at most 3 clicks away (Lessons, the step, Run for the training loop),
 * and the numbers on screen are the book's (core/lessons' numbers, which the unit tests tie to
 * the PyTorch golden cases).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { GAUSSIAN_3X3, LESSONS, stepKey, type Lesson, type LessonStep } from '#core/lessons';
import { en } from '../../renderer/src/i18n/en';
import { zh } from '../../renderer/src/i18n/zh';
import { answerNextPrompt } from './dialogs';
import { expect, test } from './fixtures';
import { expectGrid, grid, typeCell } from './grid';

type Catalog = Record<keyof typeof en, string>;
const fill = (text: string, params: Record<string, string | number>): string =>
  text.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k]));
const title = (t: Catalog, lesson: Lesson, step: LessonStep): string =>
  t[`lesson.${stepKey(lesson, step)}.title` as keyof Catalog];

/**
 * Reads a grid back from its cells' accessible names in the catalog's language (`grid.cell`:
 * "row r, column c, value v", "第 r 行，第 c 列，数值 v").
 */
async function expectCells(app: Page, t: Catalog, name: string, expected: readonly (readonly number[])[]) {
  const pattern = t['grid.cell']
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace('\\{row\\}', '(\\d+)')
    .replace('\\{col\\}', '(\\d+)')
    .replace('\\{value\\}', '(\\S+)');
  const read = () =>
    grid(app, name).evaluate((el, source) => {
      const out: number[][] = [];
      for (const c of el.querySelectorAll('[role="gridcell"]')) {
        const m = new RegExp(`^${source}$`).exec(c.getAttribute('aria-label') ?? '');
        if (!m) throw new Error(`unexpected cell name ${c.getAttribute('aria-label')}`);
        (out[Number(m[1]) - 1] ??= [])[Number(m[2]) - 1] = Number(m[3]);
      }
      return out;
    }, pattern);
  await expect.poll(() => read().catch(() => null)).toEqual(expected);
}

/** Counts the clicks a cell takes. */
class Clicks {
  n = 0;
  constructor(private readonly app: Page) {}
  async button(name: string): Promise<void> {
    this.n++;
    await this.app.getByRole('button', { name, exact: true }).click();
  }
}

async function toChinese(app: Page): Promise<void> {
  await app.getByRole('combobox', { name: 'Language' }).selectOption('zh');
  await expect(app.getByRole('button', { name: zh['lessons.button'], exact: true })).toBeVisible();
}

/** Opens the panel (a click, when closed) and applies the step (a click); Run for a training step. */
async function reach(app: Page, t: Catalog, lesson: Lesson, step: LessonStep): Promise<number> {
  const clicks = new Clicks(app);
  const panel = app.getByRole('complementary', { name: t['lessons.title'] });
  if (!(await panel.isVisible())) await clicks.button(t['lessons.button']);
  await panel.getByRole('button', { name: title(t, lesson, step) }).click();
  clicks.n++;
  await expect(panel.getByRole('button', { name: title(t, lesson, step) })).toHaveAttribute(
    'aria-current',
    'step',
  );
  if (step.book?.losses) await clicks.button(t['train.run']);
  return clicks.n;
}

/** The book's numbers, read back from the app's own grids, shape line and training log. */
async function expectBook(app: Page, t: Catalog, step: LessonStep): Promise<void> {
  const book = step.book!;
  if (book.y && step.view === 'kernel') await expectCells(app, t, t['explore.outputY'], book.y[0]);
  if (book.y && step.view === 'layer')
    for (const [o, y] of book.y.entries()) await expectCells(app, t, fill(t['layer.y'], { o: o + 1 }), y);
  if (book.shape)
    await expect(app.getByRole('status', { name: t['layer.shape'] })).toContainText(
      `×${book.shape[0]}×${book.shape[1]}`,
    );
  if (book.losses) {
    const log = app.getByRole('log', { name: t['train.log'] });
    for (const { step: n, loss } of book.losses) {
      const line = log.locator(`[data-step="${n}"]`);
      await expect(line).toBeVisible();
      expect(Number(await line.getAttribute('data-loss'))).toBeCloseTo(loss, 4);
    }
  }
}

const cells = LESSONS.flatMap((lesson) =>
  lesson.steps.filter((step) => step.book).map((step) => ({ lesson, step })),
);

test('English: from a fresh start each code cell is ≤ 3 clicks away and shows the book’s numbers', async ({
  app,
}) => {
  test.setTimeout(240_000);
  // The first launch offers the lessons: the status bar says so, the toolbar's button describes it.
  await expect(app.getByRole('status', { name: 'Status', exact: true })).toContainText(en['lessons.offer']);
  await expect(app.getByRole('button', { name: 'Lessons', exact: true })).toHaveAccessibleDescription(
    en['lessons.offer'],
  );
  for (const { lesson, step } of cells) {
    await app.reload();
    expect(await reach(app, en, lesson, step), stepKey(lesson, step)).toBeLessThanOrEqual(3);
    await expectBook(app, en, step);
  }
  // Opened once, the offer is gone (kept per user).
  await expect(app.getByRole('button', { name: 'Lessons', exact: true })).not.toHaveAccessibleDescription(
    en['lessons.offer'],
  );
});

test('中文: every code cell from the panel shows the book’s numbers; the panel follows the language switch', async ({
  app,
}) => {
  test.setTimeout(240_000);
  await app.getByRole('button', { name: 'Lessons', exact: true }).click();
  await expect(app.getByRole('heading', { name: 'Lessons', level: 2 })).toBeVisible();
  await toChinese(app);
  await expect(app.getByRole('heading', { name: zh['lessons.title'], level: 2 })).toBeVisible();
  await expect(app.getByRole('heading', { name: zh['lesson.s72.name'] })).toBeVisible();
  for (const { lesson, step } of cells) {
    expect(await reach(app, zh, lesson, step)).toBeLessThanOrEqual(3);
    await expectBook(app, zh, step);
  }
});

test('a step is one undo step; visited steps get a check mark that survives a reload', async ({ app }) => {
  await app.getByRole('button', { name: 'Lessons', exact: true }).click();
  const panel = app.getByRole('complementary', { name: 'Lessons' });
  await panel.getByRole('button', { name: 'A stride per axis' }).click();
  await expect(app.getByRole('status', { name: 'Layer output shape' })).toHaveText('X 1×8×8 → Y 1×2×2');
  await panel.getByRole('button', { name: 'Cross-correlation by hand' }).click();
  await expectGrid(app, 'Output Y', [
    [19, 25],
    [37, 43],
  ]);
  await app.getByRole('button', { name: 'Undo' }).click();
  await app.getByRole('tab', { name: 'Channels, padding and stride', exact: true }).click();
  await expect(app.getByRole('status', { name: 'Layer output shape' })).toHaveText('X 1×8×8 → Y 1×2×2');
  await expect(panel.getByRole('button', { name: 'Cross-correlation by hand, done' })).toBeVisible();
  await app.reload();
  await app.getByRole('button', { name: 'Lessons', exact: true }).click();
  await expect(panel.getByRole('button', { name: 'A stride per axis, done' })).toBeVisible();
  // One of 7.2's steps and one of 7.3's.
  for (const lesson of LESSONS.slice(0, 2))
    await expect(panel.getByText(`1 of ${lesson.steps.length} done`)).toBeVisible();
});

test('exercises: typed shapes and costs are checked with the formula; K is checked on the transposed image (中文 too)', async ({
  app,
}) => {
  await app.getByRole('button', { name: 'Lessons', exact: true }).click();
  const panel = app.getByRole('complementary', { name: 'Lessons' });
  await panel.getByRole('button', { name: 'Exercise: output shapes' }).click();
  const last = panel.getByRole('textbox', { name: /^Output shape of: 8×8 input/ });
  await last.fill('3×3');
  await last.press('Enter');
  await expect(panel.getByText('Not yet.')).toBeVisible();
  await expect(panel.getByText('rows: ⌊(8 + 2·0 − 1·(3 − 1) − 1) / 3⌋ + 1 = 2')).toBeVisible();
  await last.fill('(2, 2)');
  await last.press('Enter');
  await expect(panel.getByText('Right.')).toBeVisible();

  await panel.getByRole('button', { name: 'Exercise: a kernel that sees nothing' }).click();
  await panel.getByRole('button', { name: 'Check' }).click();
  await expect(panel.getByText('That is the book’s kernel: find another one.')).toBeVisible();
  await typeCell(app, 'Kernel K', 1, 1, '2');
  await typeCell(app, 'Kernel K', 1, 2, '-2');
  await panel.getByRole('button', { name: 'Check' }).click();
  await expect(panel.getByText('Right: Y is all zeros, and K is not.')).toBeVisible();
  await expect(
    panel.getByRole('button', { name: 'Exercise: a kernel that sees nothing, done' }),
  ).toBeVisible();

  await toChinese(app);
  const zhPanel = app.getByRole('complementary', { name: zh['lessons.title'] });
  await zhPanel.getByRole('button', { name: zh['lesson.s74.cost.title'] }).click();
  const first = zhPanel.getByRole('textbox', {
    name: fill(zh['exercise.cost.answer'], { layer: zh['exercise.cost.twoChannels'] }),
  });
  await first.fill('32');
  await first.press('Enter');
  await expect(zhPanel.getByText(zh['exercise.right'])).toBeVisible();
});

test('the panel works from the keyboard', async ({ app }) => {
  const button = app.getByRole('button', { name: 'Lessons', exact: true });
  await button.focus();
  await app.keyboard.press('Enter');
  await expect(button).toHaveAttribute('aria-expanded', 'true');
  const panel = app.getByRole('complementary', { name: 'Lessons' });
  await panel.getByRole('button', { name: 'Several input channels' }).focus();
  await app.keyboard.press('Enter');
  await expectGrid(app, 'Output Y', [
    [56, 72],
    [104, 120],
  ]);
  await panel.getByRole('button', { name: 'Close lessons' }).focus();
  await app.keyboard.press('Enter');
  await expect(panel).toHaveCount(0);
  await expect(button).toHaveAttribute('aria-expanded', 'false');
});

test('practice: the app’s picture and its blur; the learned kernel converges to the blur and exports for ImageMagick', async ({
  app,
}) => {
  const dir = mkdtempSync(join(tmpdir(), 'ks-lesson-'));
  try {
    await app.getByRole('button', { name: 'Lessons', exact: true }).click();
    const panel = app.getByRole('complementary', { name: 'Lessons' });
    await panel.getByRole('button', { name: 'A picture and its blur' }).click();
    // A colour picture (3 channels) through the blur on each channel: 3 outputs of the same size less 2.
    await expect(app.getByRole('status', { name: 'Layer output shape' })).toHaveText('X 3×24×24 → Y 3×22×22');
    await panel.getByRole('button', { name: 'Learn the filter from the pair' }).click();
    await app.getByRole('button', { name: 'Run', exact: true }).click();
    await expect(app.getByRole('status', { name: 'Training status' })).toHaveText('Done · step 300', {
      timeout: 60_000,
    });
    const labels = await app
      .getByRole('grid', { name: 'Learned kernel' })
      .getByRole('gridcell')
      .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    const learned = labels.map((l) => Number(/value (\S+)$/.exec(l)?.[1]));
    expect(learned).toHaveLength(9);
    learned.forEach((v, i) => expect(Math.abs(v - GAUSSIAN_3X3.data[i])).toBeLessThan(0.01));

    await panel.getByRole('button', { name: 'Export the learned kernel' }).click();
    await app.getByRole('button', { name: 'Export…' }).click();
    await app.getByRole('combobox', { name: 'Format' }).selectOption('imagemagick');
    const path = join(dir, 'blur.txt');
    answerNextPrompt(app, path);
    await app.getByRole('button', { name: 'Save file…' }).click();
    await expect(app.getByRole('status', { name: 'Status', exact: true })).toContainText('Saved blur.txt');
    const text = readFileSync(path, 'utf8');
    const m = /^3x3:\s*(.*)$/m.exec(text);
    expect(m, text).not.toBeNull();
    const values = m![1].split(',').map(Number);
    values.forEach((v, i) => expect(Math.abs(v - GAUSSIAN_3X3.data[i])).toBeLessThan(0.01));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a step points at what to look at: the grid, the shape or the chart comes into view, outlined', async ({
  app,
}) => {
  await app.setViewportSize({ width: 1280, height: 800 });
  await app.getByRole('button', { name: 'Lessons', exact: true }).click();
  const panel = app.getByRole('complementary', { name: 'Lessons' });
  await panel.getByRole('button', { name: 'Several output channels' }).click();
  // The Y grid's panel (a group of the grid's name) is outlined.
  const y1 = app.getByRole('group', { name: 'Y channel 1', exact: true });
  await expect(y1).toHaveAttribute('data-lesson-highlight');
  await expect(y1).toBeInViewport();
  await panel.getByRole('button', { name: 'Learning the kernel back' }).click();
  await expect(app.getByRole('img', { name: 'Loss per step' })).toHaveAttribute('data-lesson-highlight');
  await expect(panel.getByText('Look at: the loss chart and the log (press Run).')).toBeInViewport();
});

test('at 1024×700 the toolbar with its Lessons button fits the window, in English and 中文', async ({
  app,
}) => {
  await app.setViewportSize({ width: 1024, height: 700 });
  for (const locale of ['en', 'zh'] as const) {
    if (locale === 'zh') await toChinese(app);
    const t = locale === 'zh' ? zh : en;
    await expect(app.getByRole('button', { name: t['lessons.button'], exact: true })).toBeInViewport({
      ratio: 1,
    });
    await expect(app.getByRole('button', { name: t['toolbar.about'], exact: true })).toBeInViewport({
      ratio: 1,
    });
    expect(await app.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024);
  }
});
