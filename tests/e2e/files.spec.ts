import {
  chmodSync,
  existsSync,
  lchownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { answerNextPrompt } from './dialogs';
import { expect, test } from './fixtures';
import { PNG } from './png';
import { readGrid, typeCell } from './grid';

/**
 * Workspaces and exports through the real main handlers in browser mode: the
 * "native" dialogs are window.prompt()s, answered here with temp paths.
 */
let dir: string;
test.beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ks-files-e2e-'));
});
test.afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function importKernel(app: Page, path: string): Promise<void> {
  answerNextPrompt(app, path);
  await app.getByRole('button', { name: 'Import kernel into K…' }).click();
}

function npyHeader(bytes: Buffer): { descr: string; shape: number[]; data: Float32Array } {
  expect(bytes.subarray(0, 6).toString('latin1')).toBe('\x93NUMPY');
  const major = bytes[6];
  const headerLen = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = bytes.subarray(start, start + headerLen).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)![1];
  const shape = /'shape':\s*\(([^)]*)\)/
    .exec(header)![1]
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const body = bytes.subarray(start + headerLen);
  expect((start + headerLen) % 64).toBe(0);
  return {
    descr,
    shape,
    data: new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.length)),
  };
}

test('save a workspace, change it, open the saved file: restored, and the title tracks unsaved changes', async ({
  app,
}) => {
  const workspace = join(dir, 'first.kstudio');
  await expect(app).toHaveTitle('Kernel Studio');

  answerNextPrompt(app, workspace);
  await app.getByRole('button', { name: 'Save As…' }).click();
  await expect(app).toHaveTitle('first.kstudio — Kernel Studio');
  const saved = JSON.parse(readFileSync(workspace, 'utf8')) as Record<string, unknown>;
  expect(saved).toMatchObject({ format: 'kernel-studio-workspace', version: 3 });
  expect((saved.document as { k: number[][][][] }).k).toEqual([[[[1, -1]]]]);

  // Change the document: import a kernel into K.
  const kernelFile = join(dir, 'k.json');
  writeFileSync(kernelFile, '[[2, 3], [4, 5]]');
  await app.getByRole('button', { name: 'Export…' }).click();
  await importKernel(app, kernelFile);
  const kernelView = app.getByTestId('export-kernel');
  await expect(kernelView).toHaveText('2×2 [[2, 3], [4, 5]]');
  await expect(app).toHaveTitle('• first.kstudio — Kernel Studio');
  await app.getByRole('button', { name: 'Close' }).click();

  // Open the saved file (confirming the discard): K is back.
  answerNextPrompt(app, workspace);
  await app.getByRole('button', { name: 'Open…' }).click();
  await expect(app).toHaveTitle('first.kstudio — Kernel Studio');
  await app.getByRole('button', { name: 'Export…' }).click();
  await expect(kernelView).toHaveText('1×2 [[1, -1]]');

  // Save (no dialog now) after another change writes to the same file.
  await importKernel(app, kernelFile);
  await expect(kernelView).toHaveText('2×2 [[2, 3], [4, 5]]');
  await app.getByRole('button', { name: 'Close' }).click();
  await app.keyboard.press('Control+s');
  await expect(app).toHaveTitle('first.kstudio — Kernel Studio');
  expect(
    (JSON.parse(readFileSync(workspace, 'utf8')) as { document: { k: number[][][][] } }).document.k[0][0],
  ).toEqual([
    [2, 3],
    [4, 5],
  ]);
});

test('exports the kernel as .npy, .safetensors, .json and .csv with correct bytes on disk, each importing back into K', async ({
  app,
}) => {
  const kernelFile = join(dir, 'k.csv');
  writeFileSync(kernelFile, '0.5,-1,2\n3,4,-0.25\n');
  await app.getByRole('button', { name: 'Export…' }).click();
  await importKernel(app, kernelFile);
  await expect(app.getByTestId('export-kernel')).toHaveText('2×3 [[0.5, -1, 2], [3, 4, -0.25]]');
  const expected = [0.5, -1, 2, 3, 4, -0.25];

  const npyPath = join(dir, 'kernel.npy');
  await app.getByRole('combobox', { name: 'Format' }).selectOption('npy');
  answerNextPrompt(app, npyPath);
  await app.getByRole('button', { name: 'Save file…' }).click();
  await expect(app.getByRole('status', { name: 'Status' })).toContainText('Saved kernel.npy');
  const npy = npyHeader(readFileSync(npyPath));
  expect(npy.descr).toBe('<f4');
  expect(npy.shape).toEqual([2, 3]);
  expect(Array.from(npy.data)).toEqual(expected);

  const stPath = join(dir, 'kernel.safetensors');
  await app.getByRole('combobox', { name: 'Format' }).selectOption('safetensors');
  answerNextPrompt(app, stPath);
  await app.getByRole('button', { name: 'Save file…' }).click();
  await expect(app.getByRole('status', { name: 'Status' })).toContainText('Saved kernel.safetensors');
  const st = readFileSync(stPath);
  const headerLen = Number(st.readBigUInt64LE(0));
  const header = JSON.parse(st.subarray(8, 8 + headerLen).toString('utf8')) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const weight = Object.entries(header).find(([name]) => name !== '__metadata__' && name.includes('weight'));
  expect(weight, JSON.stringify(header)).toBeDefined();
  const [, info] = weight!;
  expect(info.dtype).toBe('F32');
  expect(info.shape.filter((d) => d !== 1)).toEqual([2, 3]);
  const body = st.subarray(8 + headerLen + info.data_offsets[0], 8 + headerLen + info.data_offsets[1]);
  expect(
    Array.from(new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.length))),
  ).toEqual(expected);

  // JSON and CSV are the one-channel layer's files; each export imports back into K as it was.
  const jsonPath = join(dir, 'kernel.json');
  await app.getByRole('combobox', { name: 'Format' }).selectOption('json');
  answerNextPrompt(app, jsonPath);
  await app.getByRole('button', { name: 'Save file…' }).click();
  await expect(app.getByRole('status', { name: 'Status' })).toContainText('Saved kernel.json');
  expect(JSON.parse(readFileSync(jsonPath, 'utf8'))).toMatchObject({
    format: 'kernel-studio-layer',
    shape: [1, 1, 2, 3],
    padding: [0, 0],
    weight: [
      [
        [
          [0.5, -1, 2],
          [3, 4, -0.25],
        ],
      ],
    ],
  });
  const csvPath = join(dir, 'kernel.csv');
  await app.getByRole('combobox', { name: 'Format' }).selectOption('csv');
  answerNextPrompt(app, csvPath);
  await app.getByRole('button', { name: 'Save file…' }).click();
  await expect(app.getByRole('status', { name: 'Status' })).toContainText('Saved kernel.csv');
  const other = join(dir, 'other.json');
  writeFileSync(other, '[[9]]');
  for (const path of [jsonPath, csvPath, npyPath, stPath]) {
    await importKernel(app, other);
    await expect(app.getByTestId('export-kernel')).toHaveText('1×1 [[9]]');
    await importKernel(app, path);
    await expect(app.getByTestId('export-kernel')).toHaveText('2×3 [[0.5, -1, 2], [3, 4, -0.25]]');
  }

  // X as PNG.
  const pngPath = join(dir, 'x.png');
  answerNextPrompt(app, pngPath);
  await app.getByRole('button', { name: 'X', exact: true }).click();
  await expect(app.getByRole('status', { name: 'Status' })).toContainText('Saved x.png');
  expect(readFileSync(pngPath).subarray(1, 4).toString('latin1')).toBe('PNG');
});

test('opening a malformed file shows a clear error and leaves the workspace untouched', async ({ app }) => {
  const kernelFile = join(dir, 'k.json');
  writeFileSync(kernelFile, '[[7, 8]]');
  await app.getByRole('button', { name: 'Export…' }).click();
  await importKernel(app, kernelFile);
  const kernelView = app.getByTestId('export-kernel');
  await expect(kernelView).toHaveText('1×2 [[7, 8]]');
  await app.getByRole('button', { name: 'Close' }).click();
  const dirtyTitle = '• Untitled — Kernel Studio';
  await expect(app).toHaveTitle(dirtyTitle);

  const cases: Array<[string, string, RegExp]> = [
    ['notjson.kstudio', '{"format": "kernel-studio-workspace", ', /notjson\.kstudio is not valid JSON/],
    [
      'newer.kstudio',
      '{"format": "kernel-studio-workspace", "version": 99}',
      /newer\.kstudio is workspace version 99, from a newer Kernel Studio/,
    ],
    [
      'proto.kstudio',
      '{"format": "kernel-studio-workspace", "version": 1, "__proto__": {"x": 1}}',
      /proto\.kstudio contains the forbidden key "__proto__"/,
    ],
    [
      'schema.kstudio',
      '{"format": "kernel-studio-workspace", "version": 1, "document": {}, "runs": []}',
      /schema\.kstudio: document\.x/,
    ],
  ];
  for (const [name, text, message] of cases) {
    const path = join(dir, name);
    writeFileSync(path, text);
    answerNextPrompt(app, path);
    await app.getByRole('button', { name: 'Open…' }).click();
    await expect(app.getByTestId('file-error')).toHaveText(message);
    await expect(app).toHaveTitle(dirtyTitle);
    await app.getByRole('button', { name: 'Dismiss' }).click();
  }
  await app.getByRole('button', { name: 'Export…' }).click();
  await expect(kernelView).toHaveText('1×2 [[7, 8]]');
});

/** Every autosave backup on disk, as X's top-left value (one file per session). */
function backupsX(dataDir: string): number[] {
  const folder = join(dataDir, 'autosave');
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => name.endsWith('.kstudio'))
    .map((name) => {
      try {
        return (JSON.parse(readFileSync(join(folder, name), 'utf8')) as { document: { x: number[][][] } })
          .document.x[0][0][0];
      } catch {
        return NaN;
      }
    })
    .sort((a, b) => a - b);
}

test('autosave never stops while a backup is unanswered; both stay until the user decides', async ({
  app,
  server,
}) => {
  await typeCell(app, 'Input X', 1, 1, '11');
  await expect.poll(() => backupsX(server.dataDir)).toEqual([11]);

  // "Crash" and relaunch: close the page without unload handlers, open a fresh one on the same data folder.
  const second = await app.context().newPage();
  await app.close();
  await second.goto(server.url);
  const banner = (page: Page) => page.getByRole('status', { name: 'Restore' });
  await expect(banner(second)).toContainText(/Unsaved work from .* can be restored\./);
  // Ignore the banner and keep working: this work is autosaved too, beside the older backup.
  await typeCell(second, 'Input X', 1, 1, '22');
  await expect.poll(() => backupsX(server.dataDir)).toEqual([11, 22]);

  const third = await second.context().newPage();
  await second.close();
  await third.goto(server.url);
  await expect(banner(third)).toContainText('1 older backups wait behind it.');
  await third.getByRole('button', { name: 'Restore' }).click();
  await expect.poll(() => readGrid(third, 'Input X').then((x) => x[0][0])).toBe(22);
  await expect(third).toHaveTitle('• Untitled — Kernel Studio');
  // The older backup is still offered, and still on disk.
  await expect(banner(third)).toContainText('can be restored');
  await expect.poll(() => backupsX(server.dataDir)).toEqual([11, 22]);

  // Save As with the banner up asks first; cancelling saves nothing and keeps the backup.
  const questions: string[] = [];
  third.once('dialog', (dialog) => {
    questions.push(dialog.message());
    void dialog.dismiss();
  });
  await third.getByRole('button', { name: 'Save As…' }).click();
  await expect
    .poll(() => questions)
    .toEqual([expect.stringMatching(/can still be restored\. Discard that backup/)]);
  await expect(banner(third)).toBeVisible();
  expect(backupsX(server.dataDir)).toEqual([11, 22]);

  // Agreeing discards the older backup explicitly; saving then drops this session's own.
  answerNextPrompt(third, join(dir, 'restored.kstudio'));
  await third.getByRole('button', { name: 'Save As…' }).click();
  await expect(third).toHaveTitle('restored.kstudio — Kernel Studio');
  await expect(banner(third)).toHaveCount(0);
  await expect.poll(() => backupsX(server.dataDir)).toEqual([]);
  await third.close();
});

test('backups belong to their document: a tab closed on purpose or made clean leaves none; the banner’s date is in the UI’s language', async ({
  app,
  server,
}) => {
  // Made clean again (undone back to the saved state): its backup goes.
  await typeCell(app, 'Input X', 1, 1, '11');
  await expect.poll(() => backupsX(server.dataDir)).toEqual([11]);
  await app.keyboard.press('Control+z');
  await expect(app).toHaveTitle('Kernel Studio');
  await expect.poll(() => backupsX(server.dataDir)).toEqual([]);

  // Closed on purpose (the user agrees to leave unsaved work): the next tab offers nothing.
  await typeCell(app, 'Input X', 1, 1, '12');
  await expect.poll(() => backupsX(server.dataDir)).toEqual([12]);
  app.once('dialog', (dialog) => void dialog.accept());
  await app.close({ runBeforeUnload: true });
  await expect.poll(() => app.isClosed()).toBe(true);
  const second = await app.context().newPage();
  await second.goto(server.url);
  await expect(second.getByRole('tab', { name: 'Explore' })).toBeVisible();
  await expect.poll(() => backupsX(server.dataDir)).toEqual([]);
  await expect(second.getByRole('status', { name: 'Restore' })).toHaveCount(0);

  // Gone without being asked (as a crash: no beforeunload): the backup stays, offered with a date
  // written as 中文 writes dates.
  await typeCell(second, 'Input X', 1, 1, '13');
  await expect.poll(() => backupsX(server.dataDir)).toEqual([13]);
  const third = await second.context().newPage();
  await second.close();
  await third.goto(server.url);
  await third.getByRole('combobox', { name: 'Language' }).selectOption('zh');
  const banner = third.getByRole('status', { name: '恢复' });
  await expect(banner).toContainText(/\d{4}\/\d{1,2}\/\d{1,2}/);
  await expect(banner).not.toContainText(/AM|PM/);
  await third.close();
});

test('Open asks before discarding unsaved changes; Open Recent and drag-and-drop open workspaces and kernels', async ({
  app,
}) => {
  const workspace = join(dir, 'recent.kstudio');
  answerNextPrompt(app, workspace);
  await app.getByRole('button', { name: 'Save As…' }).click();
  await expect(app).toHaveTitle('recent.kstudio — Kernel Studio');

  // Make a change, then refuse to discard it: nothing is opened, the change stays.
  const kernelFile = join(dir, 'k.json');
  writeFileSync(kernelFile, '[[4, 5]]');
  await app.getByRole('button', { name: 'Export…' }).click();
  await importKernel(app, kernelFile);
  await app.getByRole('button', { name: 'Close' }).click();
  await expect(app).toHaveTitle('• recent.kstudio — Kernel Studio');
  const questions: string[] = [];
  app.once('dialog', (dialog) => {
    questions.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await app.getByRole('button', { name: 'Open…' }).click();
  await expect.poll(() => questions).toEqual(['confirm: recent.kstudio has unsaved changes. Discard them?']);
  await expect(app).toHaveTitle('• recent.kstudio — Kernel Studio');

  // Open Recent (accepting the discard) reopens the saved file.
  app.once('dialog', (dialog) => void dialog.accept());
  await app.getByRole('combobox', { name: 'Open Recent' }).selectOption(workspace);
  await expect(app).toHaveTitle('recent.kstudio — Kernel Studio');
  await app.getByRole('button', { name: 'Export…' }).click();
  await expect(app.getByTestId('export-kernel')).toHaveText('1×2 [[1, -1]]');
  await app.getByRole('button', { name: 'Close' }).click();

  // A workspace dropped on the window opens (untitled path: Save asks where).
  // Format 2: k is O×C×kh×kw.
  const file = JSON.parse(readFileSync(workspace, 'utf8')) as { document: { k: unknown } };
  file.document.k = [[[[3, 2, 1]]]];
  const dropped = JSON.stringify(file);
  expect(dropped).toContain('[[3,2,1]]');
  await app.evaluate((text) => {
    const data = new DataTransfer();
    data.items.add(new File([text], 'dropped.kstudio'));
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, dropped);
  await expect(app).toHaveTitle('dropped.kstudio — Kernel Studio');
  await app.getByRole('button', { name: 'Export…' }).click();
  await expect(app.getByTestId('export-kernel')).toHaveText('1×3 [[3, 2, 1]]');
  await app.getByRole('button', { name: 'Close' }).click();

  // A kernel file dropped on the window goes into K; one over the kernel limit is refused, K kept.
  const dropKernel = (name: string, text: string) =>
    app.evaluate(
      ([n, t]) => {
        const data = new DataTransfer();
        data.items.add(new File([t], n));
        window.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      },
      [name, text] as const,
    );
  await dropKernel('k.csv', '1,0\n0,-1\n');
  await expect(app.getByRole('status', { name: 'Status' })).toContainText('k.csv');
  await dropKernel(
    'huge.csv',
    `${Array.from({ length: 32 }, () => Array(32).fill(1).join(',')).join('\n')}\n`,
  );
  await expect(app.getByTestId('file-error')).toContainText(
    'huge.csv has more than 31 columns, over the limit of 31×31',
  );
  await app.getByRole('button', { name: 'Export…' }).click();
  await expect(app.getByTestId('export-kernel')).toHaveText('2×2 [[1, 0], [0, -1]]');
});

test('imports a kernel file as the initial kernel of training', async ({ app }) => {
  const kernelFile = join(dir, 'init.csv');
  writeFileSync(kernelFile, '0.25,-0.5\n');
  await app.getByRole('button', { name: 'Export…' }).click();
  answerNextPrompt(app, kernelFile);
  await app.getByRole('button', { name: 'Import kernel as the initial kernel…' }).click();
  await expect(app.getByRole('status', { name: 'Status' })).toContainText(
    'Imported a 1×2 kernel from init.csv as the initial kernel',
  );
  await app.getByRole('button', { name: 'Close' }).click();
  await app.getByRole('tab', { name: 'Train' }).click();
  await expect(app.getByLabel('Initial kernel', { exact: true })).toHaveValue('explicit');
  await expect(app.getByLabel('Initial values', { exact: true })).toHaveValue('0.25 -0.5');

  // A bad kernel file: a clear message naming it, and the settings stay.
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, '1,2\n3\n');
  await app.getByRole('button', { name: 'Export…' }).click();
  answerNextPrompt(app, bad);
  await app.getByRole('button', { name: 'Import kernel as the initial kernel…' }).click();
  await expect(app.getByTestId('file-error')).toContainText('bad.csv');
  await app.getByRole('button', { name: 'Close' }).click();
  await expect(app.getByLabel('Initial values', { exact: true })).toHaveValue('0.25 -0.5');
  // The import is one undoable edit of the document, like every other.
  await app.getByRole('tab', { name: 'Explore' }).click();
  await app.getByRole('button', { name: 'Undo', exact: true }).click();
  await app.getByRole('tab', { name: 'Train' }).click();
  await expect(app.getByLabel('Initial kernel', { exact: true })).toHaveValue('seeded');
});

test("Export's 'Y, the training target' is the Y training learns (the layer's, its bias included)", async ({
  app,
}) => {
  // K's bias is 5; Train's extra target bias stays 0, so training learns X ⋆ K + 5.
  await app.getByRole('spinbutton', { name: 'Bias b' }).fill('5');
  await app.getByRole('spinbutton', { name: 'Bias b' }).press('Tab');
  await app.getByRole('tab', { name: 'Train' }).click();
  await expect(app.getByRole('spinbutton', { name: 'Extra target bias' })).toHaveValue('0');
  await app.getByRole('button', { name: 'Export…' }).click();
  const pngPath = join(dir, 'y.png');
  answerNextPrompt(app, pngPath);
  await app.getByRole('button', { name: 'Y', exact: true }).click();
  await expect(app.getByRole('status', { name: 'Status', exact: true })).toContainText('Saved y.png');
  // d2l's Y + 5 is 5 at the top left, of 0…6 (without the bias it would be 0 of −1…1: mid gray).
  const png = PNG.sync.read(readFileSync(pngPath));
  expect(png.data[0]).toBe(Math.round((5 / 6) * 255));
});

test('a failed autosave is shown in the file banner, and the banner goes once autosave works again', async ({
  app,
  server,
}) => {
  // The data folder cannot take the autosave: a file stands where autosave/ goes.
  const blocker = join(server.dataDir, 'autosave');
  rmSync(blocker, { recursive: true, force: true });
  writeFileSync(blocker, 'in the way');
  await typeCell(app, 'Input X', 1, 1, '11');
  const banner = app.getByRole('alert', { name: 'Could not complete that' });
  await expect(banner).toContainText('Your unsaved work could not be backed up');
  rmSync(blocker);
  await typeCell(app, 'Input X', 1, 1, '12');
  await expect.poll(() => backupsX(server.dataDir)).toEqual([12]);
  await expect(banner).toHaveCount(0);
});

test("browser-mode Save As refuses a link another user planted in a shared sticky folder; the victim's file is untouched", async ({
  app,
}) => {
  test.skip(process.getuid?.() !== 0, 'simulating another user needs root (lchown)');
  const shared = join(dir, 'shared');
  mkdirSync(shared);
  chmodSync(shared, 0o1777);
  const victim = join(dir, 'precious.txt');
  writeFileSync(victim, 'precious');
  const link = join(shared, 'w.kstudio');
  symlinkSync(victim, link);
  lchownSync(link, 12345, 12345);
  answerNextPrompt(app, link);
  await app.getByRole('button', { name: 'Save As…' }).click();
  await expect(app.getByTestId('file-error')).toContainText(
    'is a symbolic link that belongs to another user',
  );
  expect(readFileSync(victim, 'utf8')).toBe('precious');
  await expect(app).toHaveTitle('Kernel Studio');
});
