import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from './fixtures';

test('browser mode serves the app shell with toolbar and status bar', async ({ app }) => {
  await expect(app.getByRole('toolbar', { name: 'Main toolbar' })).toBeVisible();
  await expect(app.getByRole('status', { name: 'Status' })).toContainText('Browser mode');
  await expect(app).toHaveTitle('Kernel Studio');
});

test('the status bar names the WebGPU adapter Chromium gave us, and why it is or is not used', async ({
  app,
}) => {
  const adapter = await app.evaluate(async () => {
    const a = await navigator.gpu.requestAdapter();
    return a ? { name: `${a.info.vendor} ${a.info.architecture}`, fallback: a.info.isFallbackAdapter } : null;
  });
  expect(adapter, 'Chromium must expose a WebGPU adapter with --enable-unsafe-webgpu').not.toBeNull();
  const status = app.getByTestId('backend-status');
  // Automatic choice: a software (fallback) adapter such as SwiftShader → CPU, and the bar says why.
  if (adapter!.fallback)
    await expect(status).toContainText(`software (fallback) GPU adapter: ${adapter!.name}`);
  else await expect(status).toContainText(`WebGPU · ${adapter!.name}`);

  await app.getByRole('combobox', { name: 'Compute backend' }).selectOption('webgpu');
  await expect(status).toContainText(`Backend: WebGPU · ${adapter!.name}`);
  // The adapter is named once: the reason says why WebGPU runs, not the label again.
  expect((await status.innerText()).split(adapter!.name)).toHaveLength(2);
  await app.getByRole('combobox', { name: 'Compute backend' }).selectOption('cpu');
  // CPU is named once: the label, then why (not "CPU (CPU — chosen in settings)").
  await expect(status).toHaveText('Backend: CPU (chosen in settings)');

  await app.getByRole('button', { name: 'About' }).click();
  await expect(app.getByRole('dialog', { name: 'About Kernel Studio' })).toContainText(adapter!.name);
});

test('switches language to Chinese and back', async ({ app }) => {
  const status = app.getByTestId('backend-status');
  // Automatic choice on SwiftShader: CPU, and the status bar says why, in the UI's language.
  await expect(status).toContainText('only a software (fallback) GPU adapter');
  await app.getByRole('combobox', { name: 'Language' }).selectOption('zh');
  await expect(app.getByRole('toolbar', { name: '主工具栏' })).toBeVisible();
  await expect(status).toContainText('只有软件（后备）GPU 适配器');
  await app.getByRole('combobox', { name: '语言' }).selectOption('en');
  await expect(app.getByRole('toolbar', { name: 'Main toolbar' })).toBeVisible();
  await expect(status).toContainText('only a software (fallback) GPU adapter');
});

test('a request without the token is refused', async ({ server }) => {
  const res = await fetch(`${server.origin}/`);
  expect(res.status).toBe(401);
  const api = await fetch(`${server.origin}/api/invoke/app:get-info`, {
    method: 'POST',
    headers: { Origin: server.origin },
    body: '[]',
  });
  expect(api.status).toBe(401);
});

test('the page cannot eval or run inline script (CSP)', async ({ app }) => {
  // DevTools' own evaluate is exempt from CSP, so the page is made to compile strings itself
  // (string timers and an inline <script>) and we watch for the browser's CSP violations.
  const outcome = await app.evaluate(async () => {
    const violations: string[] = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      violations.push(`${e.effectiveDirective}:${e.blockedURI}`),
    );
    const w = window as unknown as Record<string, unknown>;
    (setTimeout as unknown as (code: string, ms: number) => void)('window.__evalRan = true', 0);
    const inline = document.createElement('script');
    inline.textContent = 'window.__inlineRan = true';
    document.body.append(inline);
    await new Promise((r) => setTimeout(r, 200));
    return { evalRan: w.__evalRan === true, inlineRan: w.__inlineRan === true, violations };
  });
  expect(outcome.evalRan).toBe(false);
  expect(outcome.inlineRan).toBe(false);
  expect(outcome.violations).toEqual(expect.arrayContaining(['script-src:eval', 'script-src-elem:inline']));
});

test('About names the versions and the active backend', async ({ app }) => {
  const tfjs = (
    JSON.parse(
      readFileSync(
        resolve(import.meta.dirname, '../../node_modules/@tensorflow/tfjs-core/package.json'),
        'utf8',
      ),
    ) as { version: string }
  ).version;
  await app.getByRole('combobox', { name: 'Compute backend' }).selectOption('cpu');
  await expect(app.getByTestId('backend-status')).toContainText('Backend: CPU');
  await app.getByRole('button', { name: 'About' }).click();
  const about = app.getByRole('dialog', { name: 'About Kernel Studio' });
  await expect(about.getByTestId('about-runtime')).toHaveText(`Browser mode · ${process.platform}`);
  await expect(about.getByTestId('about-tfjs')).toHaveText(tfjs);
  await expect(about.getByTestId('about-backend')).toHaveText('CPU');
  // The app's CSP lets the page compile our WebAssembly training kernels (and nothing else: see the CSP test).
  await expect(about.getByTestId('about-cpu-kernels')).toHaveText('WebAssembly SIMD');
  await expect(about.getByTestId('about-webgpu')).not.toHaveText('—');
  // Browser mode: main runs in this Node, and the browser names itself.
  await expect(about.getByTestId('about-node')).toHaveText(process.versions.node);
  await expect(about.getByTestId('about-browser')).toContainText('Chrome/');
  await about.getByRole('button', { name: 'Close' }).click();
  await expect(about).toBeHidden();
});

test('the favicon the browser asks for is served: the app icon from build/icon.ico', async ({ app }) => {
  const got = await app.evaluate(async () => {
    const res = await fetch('/favicon.ico');
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      bytes: [...new Uint8Array(await res.arrayBuffer())],
    };
  });
  expect(got.status).toBe(200);
  expect(got.type).toBe('image/x-icon');
  expect(
    Buffer.from(got.bytes).equals(readFileSync(resolve(import.meta.dirname, '../../build/icon.ico'))),
  ).toBe(true);
});
