/**
 * The Content Security Policy of every page we serve: only our own scripts,
 * no eval, no inline script or style, no remote content. Kept identical to the
 * <meta> tag in renderer/index.html (a unit test checks that).
 *
 * `'wasm-unsafe-eval'` lets the page compile WebAssembly, and nothing else: the CPU
 * kernels are WebAssembly SIMD programs generated in core/wasm from the problem's shape
 * (no downloaded or string-built JavaScript). `eval`, `new Function`, string timers
 * and inline scripts stay blocked (e2e shell.spec.ts checks the violations).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/**
 * The policy browser mode sends as a header: the page's policy plus
 * `frame-ancestors 'none'` (which a <meta> tag cannot carry), so no other page,
 * not even one on another local port, can frame the app. X-Frame-Options: DENY
 * goes with it for older browsers.
 */
export const BROWSER_MODE_CSP_HEADER = `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`;

/**
 * Headers that make the app's page cross-origin isolated (`crossOriginIsolated`): only then can
 * it post a shared WebAssembly memory to its CPU workers, which then run bands of one forward pass
 * in place (core/cpu/pool.ts). The page loads nothing from another origin, so requiring CORP
 * costs nothing; without isolation the pool copies bands, as before. Every response carries them.
 */
export const CROSS_ORIGIN_ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;
