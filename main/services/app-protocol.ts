import { CONTENT_SECURITY_POLICY, CROSS_ORIGIN_ISOLATION } from './csp';
import { mimeOf, readStaticFile } from './static-files';

/** The renderer's origin is app://kernel-studio; IPC senders must be on it (main/window-options.ts). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'kernel-studio';

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  ...CROSS_ORIGIN_ISOLATION,
} as const;

function refuse(status: 403 | 404 | 405, text: string): Response {
  return new Response(text, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS },
  });
}

/**
 * Answers one app:// request from the built renderer folder: only GET/HEAD, only our
 * host, only files inside `rendererDir` (traversal, encoded or not, absolute and drive
 * paths are refused with 403, not clamped). Every answer carries the CSP header.
 */
export async function appProtocolResponse(rendererDir: string, request: Request): Promise<Response> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return refuse(404, 'not found');
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return refuse(404, 'not found');
  if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'method not allowed');
  const found = await readStaticFile(rendererDir, url.pathname);
  if (found.status !== 200) return refuse(found.status, found.status === 403 ? 'forbidden' : 'not found');
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(found.body), {
    headers: { 'Content-Type': mimeOf(found.file), ...SECURITY_HEADERS },
  });
}
