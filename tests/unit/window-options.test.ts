import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../main/services/csp';
import { isTrustedSender, secureWindowOptions, webGpuSwitches } from '../../main/window-options';

describe('window factory options', () => {
  const prefs = secureWindowOptions('/app/preload.cjs').webPreferences!;

  it('isolates and sandboxes the renderer', () => {
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
    expect(prefs.experimentalFeatures).toBe(false);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
    expect(prefs.preload).toBe('/app/preload.cjs');
  });

  it('passes enable-features at most once', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const names = webGpuSwitches(platform).map(([name]) => name);
      expect(names.filter((n) => n === 'enable-features').length).toBeLessThanOrEqual(1);
    }
    expect(webGpuSwitches('linux').map(([n]) => n)).toContain('enable-unsafe-webgpu');
  });

  it('trusts only our top frame on app://kernel-studio', () => {
    expect(isTrustedSender('app://kernel-studio/index.html', true)).toBe(true);
    expect(isTrustedSender('app://kernel-studio/index.html', false)).toBe(false);
    expect(isTrustedSender('app://evil/index.html', true)).toBe(false);
    expect(isTrustedSender('https://kernel-studio/', true)).toBe(false);
    expect(isTrustedSender('file:///app/index.html', true)).toBe(false);
    expect(isTrustedSender(undefined, true)).toBe(false);
    expect(isTrustedSender('not a url', true)).toBe(false);
  });
});

describe('content security policy', () => {
  it('is strict, and the same in index.html and in the served headers', () => {
    const html = readFileSync('renderer/index.html', 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    // Our own scripts, and WebAssembly compiled by them; never JS eval or inline code.
    expect(CONTENT_SECURITY_POLICY).toMatch(/(^|; )script-src 'self' 'wasm-unsafe-eval'(;|$)/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/'unsafe-eval'|unsafe-inline|https?:|\*/);
  });
});

describe('main entry', () => {
  it('never loads the renderer from file://', () => {
    const source = readFileSync('main/index.ts', 'utf8');
    expect(source).not.toMatch(/loadFile\(|file:\/\//);
    expect(source).toMatch(/app\.enableSandbox\(\)/);
  });
});
