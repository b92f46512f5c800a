/**
 * Keep-alive of the platform's HTTP server. Node closes an idle kept-alive connection after 5 s by default, while
 * clients (undici's fetch, browsers, reverse proxies) may send a request on it at that very moment and get
 * ECONNRESET. The server therefore keeps idle connections longer than its clients do (undici 4 s, nginx 60 s,
 * AWS ALB 60 s), so it is always the client that closes first.
 */
import type { Server } from 'node:http';

export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export function applyServerTimeouts(server: Server): Server {
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // headers of a request must come within the keep-alive window plus a second (Node's own rule of thumb)
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  return server;
}
