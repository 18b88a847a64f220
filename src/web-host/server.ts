/**
 * The flasher's web server: 127.0.0.1 only, GET and HEAD only, answers from
 * the site's file table (site.ts) and nothing else — no path from a URL ever
 * reaches the file system. A request whose Host is not 127.0.0.1 or localhost
 * on this port is refused (403), so a page elsewhere cannot reach the server
 * through a name that resolves to 127.0.0.1 (DNS rebinding). Every answer
 * forbids caching, sniffing, framing, referrers and loading from elsewhere.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { DfuFlashError } from '../shared/errors.js';
import type { SiteFiles } from './site.js';

export const HOST = '127.0.0.1';

const SECURITY_HEADERS: Record<string, string> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

export interface RequestLog {
  method: string;
  path: string;
  status: number;
}

export interface FlasherServer {
  /** "http://127.0.0.1:8765/" */
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface ServeOptions {
  /** 0: any free port. */
  port: number;
  /** The site's files, read again for every page load (so a rebuilt firmware is served as it is now). */
  files: () => Promise<SiteFiles>;
  onRequest?: ((entry: RequestLog) => void) | undefined;
}

/** Is `host` (a Host header) this server, by a name that cannot be rebound? */
export function allowedHost(host: string | undefined, port: number): boolean {
  if (host === undefined) return false;
  const names = ['127.0.0.1', 'localhost'];
  return names.some((n) => host.toLowerCase() === `${n}:${port}` || (port === 80 && host.toLowerCase() === n));
}

function send(res: ServerResponse, status: number, type: string, body: Uint8Array | string, head: boolean): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, 'content-length': String(typeof body === 'string' ? Buffer.byteLength(body) : body.length) });
  res.end(head ? undefined : body);
}

/** The path a request asks for, or undefined when its target is not a plain path ("http://…", "*", garbage). */
function requestPath(req: IncomingMessage): string | undefined {
  const target = req.url ?? '';
  if (!target.startsWith('/')) return undefined;
  const path = target.split(/[?#]/, 1)[0]!;
  return path === '/' ? '/index.html' : path;
}

export async function serveSite(options: ServeOptions): Promise<FlasherServer> {
  let port = options.port;
  let cached: Promise<SiteFiles> | undefined;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<number> => {
    const head = req.method === 'HEAD';
    if (!allowedHost(req.headers.host, port)) {
      send(res, 403, 'text/plain; charset=utf-8', `forbidden: this server answers only to 127.0.0.1:${port} and localhost:${port}\n`, head);
      return 403;
    }
    if (req.method !== 'GET' && !head) {
      res.setHeader('allow', 'GET, HEAD');
      send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', head);
      return 405;
    }
    const path = requestPath(req);
    if (path === '/index.html' || cached === undefined) cached = options.files();
    let files: SiteFiles;
    try {
      files = await cached;
    } catch (e) {
      cached = undefined;
      send(res, 500, 'text/plain; charset=utf-8', `the firmware cannot be read: ${(e as Error).message}\n`, head);
      return 500;
    }
    const file = path === undefined ? undefined : files.get(path);
    if (file === undefined) {
      send(res, 404, 'text/plain; charset=utf-8', 'not found\n', head);
      return 404;
    }
    send(res, 200, file.type, file.body, head);
    return 200;
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).then(
      (status) => options.onRequest?.({ method: req.method ?? '?', path: req.url ?? '', status }),
      () => res.destroy(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      reject(
        e.code === 'EADDRINUSE'
          ? new DfuFlashError('BUSY', `port ${options.port} on ${HOST} is already in use`, { hint: 'choose another one with --port N (or stop the program that uses it)', cause: e })
          : e.code === 'EACCES'
            ? new DfuFlashError('ACCESS', `port ${options.port} on ${HOST} needs more privileges`, { hint: 'choose a port above 1023 with --port N', cause: e })
            : e,
      );
    });
    server.listen(options.port, HOST, () => resolve());
  });
  const address = server.address();
  port = typeof address === 'object' && address !== null ? address.port : options.port;
  return {
    url: `http://${HOST}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
