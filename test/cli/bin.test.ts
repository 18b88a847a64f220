/**
 * The real executable: exit statuses reach the shell, and start-up stays
 * light (--version and --help load neither zod, chalk, cli-progress, the use
 * cases nor the USB backend).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loaded } from './module-log.js';

// dist/test/cli/bin.test.js → repository root
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'dfu-flash');

function dfuFlash(args: string[], options: { nodeArgs?: string[]; cwd?: string } = {}) {
  const r = spawnSync(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    // the module-level laziness checks run on the unbundled modules (startup.test.ts checks the bundle)
    env: { ...process.env, NO_COLOR: '1', DFU_FLASH_NO_BUNDLE: '1' },
    timeout: 20000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Run with a module-resolution hook that logs every URL loaded (unbundled modules, from the repository root). */
async function loadedModules(args: string[]): Promise<{ urls: string[]; status: number | null; stdout: string }> {
  return loaded(args, false, false, ROOT);
}

const HEAVY = [/\/node_modules\/zod\//, /\/node_modules\/chalk\//, /\/node_modules\/cli-progress\//, /\/node_modules\/usb\//, /\/dist\/src\/ops\//, /\/dist\/src\/transport\/usb\//, /\/dist\/src\/sim\//];

describe('bin/dfu-flash', () => {
  test('--version: one line, exit 0, and nothing heavy loaded (not even commander)', async () => {
    const r = await loadedModules(['--version']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^dfu-flash \d+\.\d+\.\d+\n$/);
    assert.ok(r.urls.some((u) => u.endsWith('/dist/src/cli/main.js')), 'main.js was loaded');
    for (const re of [...HEAVY, /\/node_modules\/commander\//]) {
      assert.deepEqual(r.urls.filter((u) => re.test(u)), [], String(re));
    }
  });

  test('--help loads commander but none of the rest', async () => {
    const r = await loadedModules(['download', '--help']);
    assert.equal(r.status, 0);
    assert.ok(r.stdout.startsWith('Usage: dfu-flash download [options] <file>'));
    assert.ok(r.urls.some((u) => /\/node_modules\/commander\//.test(u)));
    for (const re of HEAVY) assert.deepEqual(r.urls.filter((u) => re.test(u)), [], String(re));
  });

  test('a bad -s never loads the use cases or the USB backend', async () => {
    const r = await loadedModules(['download', '-s', '0x08000000:bogus', 'fw.bin']);
    assert.equal(r.status, 64);
    for (const re of [/\/node_modules\/usb\//, /\/dist\/src\/ops\//, /\/dist\/src\/transport\/usb\//, /\/dist\/src\/sim\//]) {
      assert.deepEqual(r.urls.filter((u) => re.test(u)), [], String(re));
    }
  });

  test('exit statuses and stderr reach the shell', () => {
    const missing = dfuFlash(['download', 'no-such-file.bin'], { cwd: tmpdir() });
    assert.equal(missing.status, 66);
    assert.equal(missing.stdout, '');
    assert.equal(missing.stderr, `dfu-flash: error: firmware file no-such-file.bin not found\n  hint: check the path (relative paths start at ${tmpdir()})\n`);

    const usage = dfuFlash(['list', '--bogus']);
    assert.equal(usage.status, 64);
    assert.equal(usage.stderr, `dfu-flash: error: unknown option '--bogus'\n  hint: run "dfu-flash list --help" for the options\n`);

    const none = dfuFlash([]);
    assert.equal(none.status, 64);
    assert.ok(none.stderr.startsWith('Usage: dfu-flash'));
  });
});
