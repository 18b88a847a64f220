/** One HTTP/1.1 request written byte for byte (no client normalising the path or the Host), and the status line back. */
import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export function rawRequest(port: number, head: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s (hang guard)')));
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const all = Buffer.concat(chunks);
      const end = all.indexOf('\r\n\r\n');
      const lines = all.subarray(0, end < 0 ? all.length : end).toString('latin1').split('\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
      const headers: Record<string, string> = {};
      for (const l of lines.slice(1)) {
        const i = l.indexOf(':');
        if (i > 0) headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
      }
      resolve({ status, headers, body: end < 0 ? Buffer.alloc(0) : all.subarray(end + 4) });
    });
    socket.write(head.endsWith('\r\n\r\n') ? head : `${head}\r\nConnection: close\r\n\r\n`);
  });
}

/** GET `target` with this Host header (or none). */
export function get(port: number, target: string, host: string | null = `127.0.0.1:${port}`, method = 'GET'): Promise<RawResponse> {
  return rawRequest(port, `${method} ${target} HTTP/1.1${host === null ? '' : `\r\nHost: ${host}`}`);
}
