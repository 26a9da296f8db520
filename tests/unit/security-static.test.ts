import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { parseExceptions, scan, unexplained } from '../../scripts/electronegativity.mjs';

interface Finding {
  rule: string;
  file: string;
  line: number;
  severity: string;
  message: string;
}
interface Exception {
  rule: string;
  files: string[];
  why: string;
}
const gate = {
  scan: scan as (input: string, sarif: string, version: string) => Promise<{ findings: Finding[] }>,
  parseExceptions: parseExceptions as (markdown: string) => Exception[],
  unexplained: unexplained as (findings: Finding[], exceptions: Exception[]) => Finding[],
};

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|svelte|js|mjs|cjs)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

describe('static security rules', () => {
  it('never calls shell.openExternal (the app opens no external links)', () => {
    const offenders = ['main', 'preload', 'renderer/src']
      .flatMap(sources)
      .filter((file) => /openExternal|openPath\(|shell\s*\.\s*open/.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('enables the sandbox for every renderer before the app is ready', () => {
    const source = readFileSync('main/index.ts', 'utf8');
    const sandbox = source.indexOf('app.enableSandbox();');
    expect(sandbox).toBeGreaterThan(-1);
    // At module top level (column 0), before whenReady.
    expect(source.slice(source.lastIndexOf('\n', sandbox) + 1, sandbox)).toBe('');
    expect(sandbox).toBeLessThan(source.indexOf('app.whenReady()'));
    expect(source).toMatch(
      /app\.on\('web-contents-created', \(_event, contents\) => lockDownContents\(contents/,
    );
    expect(source).toMatch(/lockDownSession\(session\.defaultSession/);
  });
});

describe('Electronegativity gate (scripts/electronegativity.mjs)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ks-eneg-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const exceptions = gate.parseExceptions(readFileSync('docs/security.md', 'utf8'));

  it('reads the accepted findings from docs/security.md, each with a reason', () => {
    expect(exceptions.map((e) => e.rule).sort()).toEqual([
      'AUXCLICK_JS_CHECK',
      'CONTEXT_ISOLATION_JS_CHECK',
      'SANDBOX_JS_CHECK',
    ]);
    for (const e of exceptions) {
      expect(e.files).toEqual(['main/index.ts', 'out/main/index.js']);
      expect(e.why.length).toBeGreaterThan(40);
    }
  });

  it('fails an insecure app, even where the same checks are accepted for ours', async () => {
    const app = join(dir, 'insecure');
    mkdirSync(join(app, 'main'), { recursive: true });
    writeFileSync(
      join(app, 'main', 'index.js'),
      `const { app, BrowserWindow, shell } = require('electron');
app.whenReady().then(() => {
  const w = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false, webSecurity: false } });
  w.webContents.on('new-window', (e, url) => shell.openExternal(url));
  w.loadURL('http://example.com');
});
`,
    );
    const { findings } = await gate.scan(app, join(dir, 'insecure.sarif'), '45.0.0');
    const bad = gate.unexplained(findings, exceptions);
    const rules = new Set(bad.map((f) => f.rule));
    for (const rule of [
      'WEB_SECURITY_JS_CHECK',
      'OPEN_EXTERNAL_JS_CHECK',
      'HTTP_RESOURCES_JS_CHECK',
      'LIMIT_NAVIGATION_GLOBAL_CHECK',
    ])
      expect(rules, rule).toContain(rule);
    expect(bad.every((f) => f.severity === 'HIGH' || f.severity === 'MEDIUM')).toBe(true);
    // main/index.js is not an accepted file, so even the accepted rules fail here.
    expect(rules).toContain('CONTEXT_ISOLATION_JS_CHECK');
    expect(JSON.parse(readFileSync(join(dir, 'insecure.sarif'), 'utf8')).runs[0].results.length).toBe(
      findings.length,
    );
  }, 60_000);

  it('lets LOW and informational findings through, and accepted ones only in their files', () => {
    const finding = (rule: string, file: string, severity: string): Finding => ({
      rule,
      file,
      severity,
      line: 1,
      message: '',
    });
    expect(
      gate
        .unexplained(
          [
            finding('CSP_GLOBAL_CHECK', 'renderer/index.html', 'LOW'),
            finding('ELECTRON_VERSION_JSON_CHECK', 'package.json', 'INFORMATIONAL'),
            finding('SANDBOX_JS_CHECK', 'main/index.ts', 'MEDIUM'),
            finding('SANDBOX_JS_CHECK', 'main/other.ts', 'MEDIUM'),
          ],
          exceptions,
        )
        .map((f) => f.file),
    ).toEqual(['main/other.ts']);
  });
});
