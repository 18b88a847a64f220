/**
 * The package as a user gets it: `npm pack` on a copy of this checkout (its
 * prepack builds the package), the tarball installed into an empty folder,
 * then the installed CLI, a Node program (test/package/consumer.mjs), a strict
 * TypeScript consumer (consumer.ts) against the package's types, that
 * importing 'dfu-flash' loads no native code, and the same program flashing
 * an emulated device through libusb.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runWithDevices, umockdevAvailable } from '../e2e/harness/run.js';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const SOURCES = join(REPO, 'test/package');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

let work: string;
let consumer: string;
let tarball: string;

function sh(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' } });
}

before(() => {
  work = mkdtempSync(join(tmpdir(), 'dfu-flash-package-'));
  // a copy of the checkout's tracked files (as a clean clone has them), sharing node_modules
  const copy = join(work, 'checkout');
  const files = sh('git', ['ls-files', '--cached', '--others', '--exclude-standard'], REPO).split('\n').filter((f) => f !== '' && existsSync(join(REPO, f)) && lstatSync(join(REPO, f)).isFile());
  for (const f of files) {
    mkdirSync(dirname(join(copy, f)), { recursive: true });
    copyFileSync(join(REPO, f), join(copy, f));
  }
  symlinkSync(join(REPO, 'node_modules'), join(copy, 'node_modules'), 'dir');
  const packed = JSON.parse(sh(NPM, ['pack', '--json', '--pack-destination', work], copy)) as { filename: string; size: number; unpackedSize: number; entryCount: number; files: { path: string }[] }[];
  tarball = join(work, packed[0]!.filename);
  writeFileSync(join(work, 'pack.json'), JSON.stringify(packed[0]));
  consumer = join(work, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  sh(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel', 'error', tarball], consumer);
  for (const f of ['consumer.mjs', 'consumer.ts']) cpSync(join(SOURCES, f.replace('.mjs', '.mjs')), join(consumer, f));
});

after(() => rmSync(work, { recursive: true, force: true }));

const bin = () => join(consumer, 'node_modules', '.bin', 'dfu-flash');

describe('the package, installed from its tarball', () => {
  test('the tarball is lean: the built library, CLI and types, no source maps, no tests', () => {
    const pack = JSON.parse(readFileSync(join(work, 'pack.json'), 'utf8')) as { size: number; unpackedSize: number; files: { path: string }[] };
    const paths = pack.files.map((f) => f.path);
    for (const must of ['bin/dfu-flash', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/sim/public.d.ts', 'dist/src/transport/usb/public.d.ts', 'dist/bundle/main.js', 'README.md', 'LICENSE']) {
      assert.ok(paths.includes(must), must);
    }
    assert.deepEqual(paths.filter((p) => p.endsWith('.map') || p.endsWith('.ts') && !p.endsWith('.d.ts') || p.startsWith('dist/test') || p.startsWith('src/')), []);
  });

  test('the installed CLI: --version, a simulated list and a simulated download', () => {
    const version = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version as string;
    assert.equal(sh(bin(), ['--version'], consumer), `dfu-flash ${version}\n`);
    assert.match(sh(bin(), ['list', '--simulate', 'stm32f4-sysboot'], consumer), /0483:df11\s+DFU\s+315A28A0B956\s+1-1/);
    writeFileSync(join(consumer, 'fw.bin'), Uint8Array.from({ length: 20000 }, (_, i) => i & 0xff));
    const r = spawnSync(bin(), ['download', '--simulate', 'stm32f4-sysboot', '--sim-time-scale', '0', '-a', '0', '-s', '0x08000000:leave', 'fw.bin'], { cwd: consumer, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /Downloaded 20000 bytes to 0483:df11 \(1-1\) alt 0 in .*, verified; device left DFU mode\n$/);
  });

  test('the installed CLI writes the web flasher site (the page ships in the package)', () => {
    const r = spawnSync(bin(), ['web', 'build', 'fw.bin', '-s', '0x08000000', '-o', 'site', '--json'], { cwd: consumer, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const files = (JSON.parse(r.stdout) as { files: string[] }).files;
    for (const must of ['index.html', 'flasher.js', 'flasher.css']) assert.ok(files.includes(must), `${must} in ${files.join(', ')}`);
    assert.match(readFileSync(join(consumer, 'site', 'index.html'), 'utf8'), /data-testid="flash"/);
  });

  test('a program of its own: list, 64 KiB download with verify, events in the documented order, upload, abort and retry', () => {
    const r = spawnSync(process.execPath, ['consumer.mjs'], { cwd: consumer, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, any>;
    assert.equal(out.error, undefined, JSON.stringify(out.error));
    assert.deepEqual(out.devices.map((d: any) => [d.id, d.mode, d.portPath]), [['483:df11', 'dfu', '1-1'], ['1209:db42', 'dfu', '1-2']]);
    assert.equal(out.devices[0].regions, 3, 'the alt names and their parsed layouts');
    assert.deepEqual(out.download, { bytes: 65536, verified: true, end: 'left-bus', phases: ['erase', 'download', 'verify', 'leave'] });
    assert.deepEqual(out.events, [
      'plan-ready',
      'phase-start:erase', 'progress:erase', 'phase-end:erase',
      'phase-start:download', 'progress:download', 'phase-end:download',
      'phase-start:verify', 'progress:verify', 'phase-end:verify',
      'phase-start:leave', 'phase-end:leave',
    ]);
    assert.equal(out.uploadSame, true);
    assert.equal(out.aborted, 'ABORTED');
    assert.deepEqual(out.afterAbort, { verified: true, end: 'idle' });
  });

  test("a strict TypeScript program type-checks against the package's types", () => {
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022', 'dom'], types: [], skipLibCheck: false, exactOptionalPropertyTypes: true }, files: ['consumer.ts'] }));
    const r = spawnSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: consumer, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  test("import('dfu-flash') loads no native code; import('dfu-flash/usb') does", () => {
    const probe = (entry: string) =>
      spawnSync(process.execPath, ['--input-type=module', '-e', `const loaded = []; const dl = process.dlopen; process.dlopen = (m, f, ...r) => { loaded.push(f); return dl.call(process, m, f, ...r); }; await import('${entry}'); console.log(JSON.stringify(loaded));`], { cwd: consumer, encoding: 'utf8' });
    const core = probe('dfu-flash');
    assert.equal(core.status, 0, core.stderr);
    assert.deepEqual(JSON.parse(core.stdout), []);
    const usb = probe('dfu-flash/usb');
    assert.equal(usb.status, 0, usb.stderr);
    assert.ok((JSON.parse(usb.stdout) as string[]).some((f) => /usb_bindings|\.node$/.test(f)), usb.stdout);
  });

  const available = umockdevAvailable();
  test('the same program with usbBackend() flashes an emulated STM32F4 through libusb', { skip: available.ok ? false : available.reason }, async () => {
    const r = await runWithDevices({
      profiles: ['stm32f4-sysboot'],
      command: [process.execPath, join(consumer, 'consumer.mjs'), '--usb'],
      cwd: consumer,
      dumpRanges: [{ address: 0x08000000, length: 65536 }],
      timeoutMs: 60_000,
    });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, any>;
    assert.equal(out.error, undefined, JSON.stringify(out.error));
    assert.deepEqual(out.devices.map((d: any) => [d.id, d.serial]), [['483:df11', '315A28A0B956']]);
    assert.deepEqual(out.download, { bytes: 65536, verified: true, end: 'idle', phases: ['erase', 'download', 'verify'] });
    assert.equal(out.uploadSame, true);
    assert.deepEqual(r.devices[0]!.ranges[0]!.data, Uint8Array.from({ length: 65536 }, (_, i) => (i * 13 + 5) & 0xff));
  });
});
