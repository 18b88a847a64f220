/**
 * `dfu-flash web …` as a user starts it: the built executable in its own
 * process, on a free port (--port 0), its address read from its --json line;
 * stopped with SIGTERM (its exit status is returned).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../e2e/harness/run.js';

export interface CliServer {
  url: string;
  origin: string;
  port: number;
  /** SIGTERM; resolves with the exit status (0: it stopped cleanly) and what it printed on stderr. */
  stop(): Promise<{ code: number | null; stderr: string }>;
}

export async function startCliServer(args: string[], cwd: string): Promise<CliServer> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/dfu-flash'), 'web', ...args, '--port', '0', '--json'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += String(c)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`dfu-flash web printed no address within 30 s (hang guard): ${stderr}`));
    }, 30_000);
    child.stdout.on('data', (c) => {
      out += String(c);
      if (out.includes('\n')) {
        clearTimeout(guard);
        resolve(out.split('\n')[0]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(guard);
      reject(new Error(`dfu-flash web exited with ${code}: ${stderr}`));
    });
  });
  const { url, port } = JSON.parse(line) as { url: string; port: number };
  return {
    url,
    port,
    origin: url.replace(/\/$/, ''),
    stop: async () => {
      child.kill('SIGTERM');
      const guard = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(guard);
      return { code, stderr };
    },
  };
}
