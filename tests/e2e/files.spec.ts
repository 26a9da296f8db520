import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { answerNextPrompt } from './dialogs';
import { expect, test } from './fixtures';

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
  expect(saved).toMatchObject({ format: 'kernel-studio-workspace', version: 1 });
  expect((saved.document as { k: number[][] }).k).toEqual([[1, -1]]);

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
  expect((JSON.parse(readFileSync(workspace, 'utf8')) as { document: { k: number[][] } }).document.k).toEqual(
    [
      [2, 3],
      [4, 5],
    ],
  );
});

test('exports the kernel as .npy and .safetensors with correct bytes on disk', async ({ app }) => {
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

test('unsaved work is autosaved, and the next launch offers to restore it', async ({ app, server }) => {
  const kernelFile = join(dir, 'k.json');
  writeFileSync(kernelFile, '[[9, 8, 7]]');
  await app.getByRole('button', { name: 'Export…' }).click();
  await importKernel(app, kernelFile);
  await app.getByRole('button', { name: 'Close' }).click();
  const backup = join(server.dataDir, 'autosave', 'backup.kstudio');
  await expect
    .poll(() => {
      try {
        return (JSON.parse(readFileSync(backup, 'utf8')) as { document: { k: number[][] } }).document.k;
      } catch {
        return null;
      }
    })
    .toEqual([[9, 8, 7]]);

  // "Crash" and relaunch: close the page without unload handlers, open a fresh one on the same data folder.
  const next = await app.context().newPage();
  await app.close();
  await next.goto(server.url);
  await expect(next.getByText(/Unsaved work from .* was recovered/)).toBeVisible();
  await next.getByRole('button', { name: 'Restore' }).click();
  await expect(next).toHaveTitle('• Untitled — Kernel Studio');
  await next.getByRole('button', { name: 'Export…' }).click();
  await expect(next.getByTestId('export-kernel')).toHaveText('1×3 [[9, 8, 7]]');
  await next.getByRole('button', { name: 'Close' }).click();

  // Saving drops the backup.
  answerNextPrompt(next, join(dir, 'restored.kstudio'));
  await next.getByRole('button', { name: 'Save As…' }).click();
  await expect(next).toHaveTitle('restored.kstudio — Kernel Studio');
  await expect.poll(() => existsSync(backup)).toBe(false);
  await next.close();
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
  const dropped = readFileSync(workspace, 'utf8').replace('"k": [\n      [1, -1]\n    ]', '"k": [[3, 2, 1]]');
  expect(dropped).toContain('[[3, 2, 1]]');
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
  await expect(app.getByTestId('file-error')).toContainText('huge.csv: the grid is 32×32, over the limit');
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
});
