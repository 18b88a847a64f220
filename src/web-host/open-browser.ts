/** `--open`: the page in the user's default browser (xdg-open, open, or start), never waited for. */
import { spawn } from 'node:child_process';

export function browserCommand(url: string, platform: NodeJS.Platform): [string, string[]] {
  if (platform === 'darwin') return ['open', [url]];
  if (platform === 'win32') return ['cmd', ['/c', 'start', '""', url]];
  return ['xdg-open', [url]];
}

export function openInBrowser(url: string, platform: NodeJS.Platform, failed: (problem: string) => void): void {
  const [command, args] = browserCommand(url, platform);
  try {
    const child = spawn(command, args, { detached: true, stdio: 'ignore', windowsHide: true });
    child.once('error', (e) => failed(`${command}: ${e.message}`));
    child.once('exit', (code) => {
      if (code !== 0 && code !== null) failed(`${command} exited with status ${code}`);
    });
    child.unref();
  } catch (e) {
    failed(`${command}: ${(e as Error).message}`);
  }
}
