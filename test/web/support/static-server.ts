/**
 * A static server for test pages on 127.0.0.1 (a random free port): files
 * from memory, nothing else. WebUSB needs a secure context, which
 * http://127.0.0.1 is; file:// pages do not get WebUSB access by policy.
 */
import { createServer, type Server } from 'node:http';

export interface StaticFile {
  body: string | Uint8Array;
  type?: string;
}

export interface StaticServer {
  /** "http://127.0.0.1:PORT" */
  origin: string;
  port: number;
  /** Add or replace a file while the server runs. */
  set(path: string, file: StaticFile): void;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', json: 'application/json', map: 'application/json' };

function typeOf(path: string): string {
  return TYPES[path.split('.').pop() ?? ''] ?? 'application/octet-stream';
}

export async function startStaticServer(files: Record<string, StaticFile> = {}, port = 0): Promise<StaticServer> {
  const table = new Map(Object.entries(files));
  const server: Server = createServer((req, res) => {
    const requested = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const path = requested === '/' ? '/index.html' : requested;
    if (path === '/favicon.ico' && !table.has(path)) {
      res.writeHead(204).end();
      return;
    }
    const file = table.get(path);
    if (req.method !== 'GET' || file === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': file.type ?? typeOf(path), 'cache-control': 'no-store' }).end(file.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const actual = typeof address === 'object' && address !== null ? address.port : port;
  return {
    origin: `http://127.0.0.1:${actual}`,
    port: actual,
    set: (path, file) => table.set(path, file),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
