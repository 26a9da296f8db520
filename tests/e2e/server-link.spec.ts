import { expect, startAppServer, test } from './fixtures';
import { rmSync } from 'node:fs';

test('the launch token leaves the address bar and the history once the cookie is set; a reload stays logged in', async ({
  app,
  server,
}) => {
  await expect(app.getByRole('toolbar', { name: 'Main toolbar' })).toBeVisible();
  await expect(app).toHaveURL(`${server.origin}/`);
  // The history entry was replaced, not added: there is no entry with the token to go back to.
  await app.goBack();
  expect(app.url()).toBe('about:blank');
  await app.goForward();
  await expect(app).toHaveURL(`${server.origin}/`);
  await app.reload();
  await expect(app.getByRole('toolbar', { name: 'Main toolbar' })).toBeVisible();
  await expect(app).toHaveURL(`${server.origin}/`);
  // Other query parameters stay (the crash reload's ?recovered=1 is read after the token goes).
  await app.goto(`${server.origin}/?recovered=1&token=${server.token}`);
  await expect(app).toHaveURL(`${server.origin}/?recovered=1`);
});

test('when the server stops, the page says so at once and keeps saying it', async ({ browser }) => {
  const server = await startAppServer();
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(server.url);
    await expect(page.getByRole('toolbar', { name: 'Main toolbar' })).toBeVisible();
    const lost = page.getByRole('alert', { name: 'Server stopped' });
    await expect(lost).toHaveCount(0);
    const exited = new Promise((resolve) => server.process.once('exit', resolve));
    server.process.kill('SIGTERM');
    await exited;
    // No action needed: the banner comes by itself, and stays while the page keeps retrying.
    await expect(lost).toBeVisible();
    await expect(lost).toContainText('start it again');
    await page.waitForTimeout(7000);
    await expect(lost).toBeVisible();
  } finally {
    await context.close();
    if (server.process.exitCode === null) server.process.kill('SIGKILL');
    rmSync(server.dataDir, { recursive: true, force: true });
  }
});
