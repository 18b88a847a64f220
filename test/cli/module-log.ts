/** Run bin/dfu-flash with a module-resolution hook that logs every URL loaded (start-up laziness tests). */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './tmp-dir.js';

const BIN = join(ROOT, 'bin', 'dfu-flash');

/** Run bin/dfu-flash with a hook that logs every resolved module; `tty` makes stderr look like a terminal. */
export async function loaded(args: string[], tty: boolean, bundled = false, cwd?: string): Promise<{ urls: string[]; status: number | null; stdout: string; stderr: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'dfu-flash-startup-'));
  try {
    const log = join(dir, 'loaded.txt');
    await writeFile(log, '');
    const hooks =
      `import { appendFileSync } from 'node:fs';\n` +
      `export async function resolve(specifier, context, next) {\n` +
      `  const r = await next(specifier, context);\n` +
      `  appendFileSync(${JSON.stringify(log)}, r.url + '\\n');\n` +
      `  return r;\n` +
      `}\n`;
    const fakeTty = tty ? `Object.defineProperty(process.stderr, 'isTTY', { value: true });\nObject.defineProperty(process.stderr, 'columns', { value: 100 });\n` : '';
    const register = join(dir, 'register.mjs');
    await writeFile(register, `import { register } from 'node:module';\n${fakeTty}register(${JSON.stringify('data:text/javascript,' + encodeURIComponent(hooks))});\n`);
    const r = spawnSync(process.execPath, ['--import', register, BIN, ...args], {
      cwd: cwd ?? dir,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', TERM: 'xterm', DFU_FLASH_NO_BUNDLE: bundled ? '' : '1' },
      timeout: 30000,
    });
    const urls = (await readFile(log, 'utf8')).split('\n').filter((l) => l !== '');
    return { urls, status: r.status, stdout: r.stdout, stderr: r.stderr };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

