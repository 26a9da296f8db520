import { lstat, readFile, realpath } from 'node:fs/promises';
import { extname, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export function mimeOf(path: string): string {
  return MIME[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Maps a URL path onto a file inside `root`, or null for anything that could
 * escape it: `..` (raw or percent-encoded), absolute or drive paths, backslashes, NUL.
 * Shared by the `app://` protocol and the browser-mode server.
 */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  if (decoded.split('/').some((segment) => segment === '..')) return null;
  const relativePath = decoded.replace(/^\/+/, '') || 'index.html';
  if (isAbsolute(relativePath) || /^[A-Za-z]:/.test(relativePath)) return null;
  const base = resolve(root);
  const target = resolve(base, normalize(relativePath));
  const rel = relative(base, target);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) return null;
  return target;
}

export type StaticFile = { status: 200; file: string; body: Buffer } | { status: 403 | 404 };

/**
 * Reads the file a URL path names inside `root` (see resolveStaticPath), without
 * following symbolic links: a link anywhere below `root` (to a file or a folder,
 * pointing inside or out) is refused with 403, so only what the build wrote is served.
 */
export async function readStaticFile(root: string, urlPath: string): Promise<StaticFile> {
  const file = resolveStaticPath(root, urlPath);
  if (!file) return { status: 403 };
  let real: string;
  let realRoot: string;
  try {
    [real, realRoot] = await Promise.all([realpath(file), realpath(root)]);
  } catch {
    return { status: 404 };
  }
  if (real !== join(realRoot, relative(resolve(root), file))) return { status: 403 };
  try {
    if (!(await lstat(real)).isFile()) return { status: 404 };
    return { status: 200, file, body: await readFile(real) };
  } catch {
    return { status: 404 };
  }
}
