import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveStaticPath } from '../../main/services/static-files';

const root = resolve('/srv/app/renderer');

describe('resolveStaticPath', () => {
  it('serves files inside the renderer folder', () => {
    expect(resolveStaticPath(root, '/')).toBe(join(root, 'index.html'));
    expect(resolveStaticPath(root, '/assets/index-abc.js')).toBe(join(root, 'assets/index-abc.js'));
  });

  it.each([
    '/../main/index.js',
    '/assets/../../secret',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/%2E%2E%2Fetc%2Fpasswd',
    '/..%2f..%2fetc/passwd',
    '//etc/passwd/..',
    '/C:/Windows/win.ini',
    '/assets\\..\\..\\x',
    '/a%00.js',
    '/%E0%A4%A',
  ])('refuses %s', (path) => {
    const resolved = resolveStaticPath(root, path);
    if (resolved !== null) expect(resolved.startsWith(root + '/')).toBe(true);
    else expect(resolved).toBeNull();
  });

  it('refuses traversal outright rather than clamping it', () => {
    expect(resolveStaticPath(root, '/%2e%2e/x')).toBeNull();
    expect(resolveStaticPath(root, '/../x')).toBeNull();
  });
});
