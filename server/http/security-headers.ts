/**
 * Security headers on every reply, written by `helmet`: a Content-Security-Policy for the client, nosniff, no
 * framing, no referrer. The policy is the narrowest one the client runs under (checked by the browser tests):
 * - scripts only from this origin (the bundle `/app.js` and its lazily loaded chunks), no inline script, no eval;
 *   `'wasm-unsafe-eval'` lets WebAssembly compile (itk-wasm's header reader, in the pre-check of the submit page);
 * - workers only from this origin (itk-wasm's pipeline worker, `/itk/…worker.js`; it never uses blob: here since
 *   its URL is a path of this origin, see itk-wasm's create-web-worker.js);
 * - styles from this origin plus inline style attributes and elements (charts' SVG carry them; a style cannot run
 *   code), images from this origin, data: and blob: (vtk.js screenshots), fetches to this origin and to data:
 *   URLs (itk-wasm's worker fetches an inlined data: resource while loading a pipeline — measured: the pre-check
 *   fails with "Failed to fetch" without it; a data: URL sends nothing anywhere);
 * - no plugins (`object-src 'none'`), `base-uri` and `form-action` this origin, and `frame-ancestors 'none'` with
 *   `X-Frame-Options: DENY` for older browsers, so no other site can frame a page and trick a click.
 * `upgrade-insecure-requests` is left out: `npm start` serves plain HTTP on loopback, and behind TLS the proxy
 * redirects anyway. HSTS (helmet's default) is ignored by browsers over HTTP and right over HTTPS.
 */
import type { RequestHandler } from 'express';
import helmet from 'helmet';

export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  'worker-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'connect-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
} as const;

export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: Object.fromEntries(Object.entries(CONTENT_SECURITY_POLICY).map(([name, values]) => [name, [...values]])),
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // the client fetches nothing cross-origin and is fetched by nobody else
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
}
