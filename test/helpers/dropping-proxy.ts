/**
 * A TCP proxy for tests of resumed downloads: forwards every connection to `target`, records the head of each
 * request whose head matches `watch`, and, once armed with `cutNext(n)`, drops the next such request's connection
 * after n bytes of its response (headers included), as a network failure would.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface DroppingProxy {
  readonly server: Server;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** Heads of the watched requests, in order. */
  readonly heads: string[];
  /** Cut the next watched request's response after `bytes` bytes. */
  cutNext(bytes: number): void;
  close(): Promise<void>;
}

export function droppingProxy(target: URL, watch: RegExp): Promise<DroppingProxy> {
  const heads: string[] = [];
  let armed: number | undefined;
  const sockets = new Set<Socket>();
  const server = createServer((client: Socket) => {
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    let sent = 0;
    let cutAfter: number | undefined;
    client.on('data', (chunk: Buffer) => {
      const head = chunk.toString('latin1').split('\r\n\r\n')[0];
      if (/^[A-Z]+ \S+ HTTP\/1\.1/.test(head) && watch.test(head)) {
        heads.push(head);
        if (armed !== undefined) {
          cutAfter = armed;
          armed = undefined;
          sent = 0;
        }
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (cutAfter !== undefined && sent + chunk.length >= cutAfter) {
        client.write(chunk.subarray(0, cutAfter - sent));
        client.destroy();
        upstream.destroy();
        return;
      }
      sent += chunk.length;
      client.write(chunk);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    upstream.on('close', end);
    client.on('close', end);
    upstream.on('error', end);
    client.on('error', end);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({
        server,
        url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
        heads,
        cutNext: (bytes) => {
          armed = bytes;
        },
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    }),
  );
}
