/**
 * `dfu-flash web` and `dfu-flash web build` as command lines: argv → typed
 * invocation and every refused combination (table-driven); `web build` run
 * in-process writes the site (its configuration, firmware and lock checked);
 * a bad file is refused with the CLI's exit status before anything is
 * written; the real executable serves the page until SIGTERM, refuses a
 * foreign Host and a path outside its files; and neither loads libusb, the
 * simulator or the progress bars.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../src/cli/main.js';
import { parseInvocation } from '../../src/cli/parse.js';
import type { WebInvocation } from '../../src/cli/commands/web.js';
import { isDfuFlashError } from '../../src/shared/errors.js';
import { get } from '../web-host/raw-http.js';
import { memoryIo } from './helpers.js';
import { loaded } from './module-log.js';
import { pattern, withFiles } from './sim-run.js';
import { ROOT } from './tmp-dir.js';

const CWD = '/work/proj';

async function parse(argv: string[]): Promise<WebInvocation> {
  const r = await parseInvocation(argv, { cwd: CWD });
  assert.equal(r.kind, 'invocation');
  return (r as { invocation: WebInvocation }).invocation;
}

describe('web: argv → invocation', () => {
  const cases: [string[], Partial<WebInvocation>][] = [
    [['web'], { action: 'serve', source: undefined, port: 8765, open: false, verify: true, skipUnchanged: false }],
    [
      ['web', 'fw.bin', '-s', '0x08000000:leave', '--port', '9000', '--open', '-a', '0', '--no-verify', '--skip-unchanged', '--title', 'Update'],
      { action: 'serve', source: { kind: 'file', path: '/work/proj/fw.bin' }, port: 9000, open: true, alt: 0, verify: false, skipUnchanged: true, title: 'Update' },
    ],
    [['web', 'ci/plan.JSON', '--port', '0'], { action: 'serve', source: { kind: 'plan', path: '/work/proj/ci/plan.JSON' }, port: 0 }],
    [
      ['web', 'build', 'app.hex', '-o', 'site', '--vid-pid', '0483:5740,0483:df11', '--force'],
      { action: 'build', source: { kind: 'file', path: '/work/proj/app.hex' }, outDir: '/work/proj/site', force: true, lockText: '0483:5740,0483:df11' },
    ],
  ];
  for (const [argv, want] of cases) {
    test(argv.join(' '), async () => {
      const inv = await parse(argv);
      assert.equal(inv.command, 'web');
      for (const [k, v] of Object.entries(want)) assert.deepEqual(inv[k as keyof WebInvocation], v, k);
    });
  }

  test('-s keeps its address and :leave; --vid-pid is parsed as -d', async () => {
    const inv = await parse(['web', '-s', '0x08004000:leave', 'fw.bin', '--vid-pid', '0483:df11']);
    assert.equal(inv.dfuse?.address, 0x08004000);
    assert.equal(inv.dfuse?.leave, true);
    assert.deepEqual(inv.lock?.dfuIds, { vendorId: 0x0483, productId: 0xdf11 });
  });

  const refused: [string[], string, RegExp][] = [
    [['web', 'build'], 'USAGE', /needs the firmware file or plan/],
    [['web', 'build', 'fw.bin'], 'USAGE', /needs -o DIR/],
    [['web', 'fw.bin', '-o', 'site'], 'USAGE', /belong to web build/],
    [['web', 'fw.bin', '--force'], 'USAGE', /belong to web build/],
    [['web', 'build', 'fw.bin', '-o', 's', '--port', '1'], 'USAGE', /belong to the server/],
    [['web', 'build', 'fw.bin', '-o', 's', '--open'], 'USAGE', /belong to the server/],
    [['web', 'a.bin', 'b.bin'], 'USAGE', /one file or plan, got 2/],
    [['web', '-s', '0x08000000:mass-erase:force', 'fw.bin'], 'USAGE', /-s ADDR\[:leave\] only/],
    [['web', '-s', '0x08000000:4096', 'fw.bin'], 'USAGE', /-s ADDR\[:leave\] only/],
    [['web', 'plan.json', '-a', '0'], 'USAGE', /come from the plan/],
    [['web', 'plan.json', '--no-verify'], 'USAGE', /come from the plan/],
    [['web', '-s', '0x08000000'], 'USAGE', /need a firmware file/],
    [['web', '--port', '70000'], 'USAGE', /--port/],
    [['web', '--port', 'x'], 'USAGE', /--port/],
    [['web', '--vid-pid', 'zz'], 'USAGE', /vid-pid|device/],
    [['web', '-s', 'nonsense', 'fw.bin'], 'BAD_ADDRESS_SPEC', /nonsense/],
    [['web', '--title', ''], 'USAGE', /--title is empty/],
  ];
  for (const [argv, code, message] of refused) {
    test(`refused: ${argv.join(' ')}`, async () => {
      await assert.rejects(parseInvocation(argv, { cwd: CWD }), (e: unknown) => isDfuFlashError(e) && e.code === code && message.test(e.message) && (e.hint ?? '') !== '');
    });
  }
});

describe('web build', () => {
  test('writes the site: the page locked to the device, the firmware with its checksum, the options', async () => {
    const fw = pattern(3000, 5);
    await withFiles({ 'app.bin': fw }, async (dir) => {
      const io = memoryIo({ cwd: dir });
      const code = await run(['web', 'build', 'app.bin', '-s', '0x08000000:leave', '-o', 'site', '--vid-pid', '0483:5740,0483:df11', '--title', 'Board X update', '--json'], io);
      assert.equal(code, 0, io.err());
      const result = JSON.parse(io.out()) as { type: string; ok: boolean; files: string[] };
      assert.deepEqual([result.type, result.ok], ['result', true]);
      assert.deepEqual(result.files, ['dfu-flash.js', 'firmware/app.bin', 'flasher.css', 'flasher.js', 'index.html']);
      const site = join(dir, 'site');
      assert.deepEqual(readFileSync(join(site, 'firmware/app.bin')), Buffer.from(fw));
      const html = readFileSync(join(site, 'index.html'), 'utf8');
      assert.match(html, /<title>Board X update<\/title>/);
      const config = JSON.parse(/id="dfu-flash-config">([^<]*)</.exec(html)![1]!) as Record<string, unknown>;
      assert.deepEqual(config, {
        mode: 'site',
        title: 'Board X update',
        devices: [
          { vendorId: 0x0483, productId: 0x5740 },
          { vendorId: 0x0483, productId: 0xdf11 },
        ],
        device: '0483:5740,0483:df11',
        firmware: [{ url: `firmware/app.bin?v=${createHash('sha256').update(fw).digest('hex').slice(0, 12)}`, name: 'app.bin', size: 3000, sha256: createHash('sha256').update(fw).digest('hex'), address: 0x08000000 }],
        options: { verify: true, leave: true, skipUnchanged: false },
      });
      // the page's own files are the built ones
      assert.deepEqual(readFileSync(join(site, 'flasher.js')), readFileSync(join(ROOT, 'dist/web/page/flasher.js')));
      assert.deepEqual(readFileSync(join(site, 'dfu-flash.js')), readFileSync(join(ROOT, 'dist/web/dfu-flash.js')));
    });
  });

  test('a plan: its downloads in order, its device IDs as the lock', async () => {
    const plan = { device: '1209:db42', steps: [{ download: { file: 'fw.hex' } }, { leave: {} }] };
    await withFiles({ 'plan.json': JSON.stringify(plan), 'fw.hex': ':0400000001020304F2\n:00000001FF\n' }, async (dir) => {
      const io = memoryIo({ cwd: dir });
      assert.equal(await run(['web', 'build', 'plan.json', '-o', 'out', '-q'], io), 0, io.err());
      assert.equal(io.err(), '');
      const config = JSON.parse(/id="dfu-flash-config">([^<]*)</.exec(readFileSync(join(dir, 'out/index.html'), 'utf8'))![1]!) as { devices: unknown; device: string; firmware: { name: string }[]; options: unknown };
      assert.deepEqual(config.devices, [{ vendorId: 0x1209, productId: 0xdb42 }]);
      assert.equal(config.device, '1209:db42,1209:db42', 'the plan loader keeps both sides of the pair');
      assert.deepEqual(config.firmware.map((f) => f.name), ['fw.hex']);
      assert.deepEqual(config.options, { verify: true, leave: true, skipUnchanged: false });
    });
  });

  for (const [what, files, argv, status, message] of [
    ['a malformed file', { 'bad.hex': ':zz\n' }, ['web', 'build', 'bad.hex', '-o', 'site'], 65, /bad\.hex/],
    ['a missing file', {}, ['web', 'build', 'none.bin', '-o', 'site'], 66, /no such file/],
    ['an address for a file with addresses', { 'a.hex': ':0400000001020304F2\n:00000001FF\n' }, ['web', 'build', 'a.hex', '-s', '0x08000000', '-o', 'site'], 64, /has no use/],
    ['a plan with an upload', { 'p.json': JSON.stringify({ steps: [{ upload: { file: 'd.bin', address: '0x08000000:16' } }] }) }, ['web', 'build', 'p.json', '-o', 'site'], 64, /an upload/],
  ] as const) {
    test(`${what}: exit ${status}, nothing written`, async () => {
      await withFiles(files as Record<string, string>, async (dir) => {
        const io = memoryIo({ cwd: dir });
        assert.equal(await run([...argv], io), status, io.err());
        assert.match(io.err(), message);
        assert.match(io.err(), /hint:/);
        assert.equal(existsSync(join(dir, 'site')), false);
        assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith('.')), [], 'no staging folder');
      });
    });
  }

  test('an existing folder: exit 73 without --force', async () => {
    await withFiles({ 'a.bin': pattern(16, 1) }, async (dir) => {
      mkdirSync(join(dir, 'site'));
      writeFileSync(join(dir, 'site/keep.txt'), 'x');
      const io = memoryIo({ cwd: dir });
      assert.equal(await run(['web', 'build', 'a.bin', '-o', 'site'], io), 73);
      assert.deepEqual(readdirSync(join(dir, 'site')), ['keep.txt']);
    });
  });
});

describe('dfu-flash web (the real executable)', () => {
  test('serves the page and the file named, refuses a foreign Host and paths outside its files, stops on SIGTERM with status 0', async () => {
    await withFiles({ 'app.bin': pattern(1024, 9), 'other.bin': pattern(8, 1) }, async (dir) => {
      const child = spawn(process.execPath, [join(ROOT, 'bin/dfu-flash'), 'web', 'app.bin', '-s', '0x08000000', '--port', '0', '--json'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (c) => (stderr += String(c)));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      try {
        const line = await new Promise<string>((resolve, reject) => {
          let out = '';
          const guard = setTimeout(() => reject(new Error(`no listening line within 20 s (hang guard): ${stderr}`)), 20_000);
          child.stdout.on('data', (c) => {
            out += String(c);
            if (out.includes('\n')) {
              clearTimeout(guard);
              resolve(out.split('\n')[0]!);
            }
          });
        });
        const listening = JSON.parse(line) as { type: string; url: string; port: number; firmware: string[] };
        assert.equal(listening.type, 'listening');
        assert.equal(listening.url, `http://127.0.0.1:${listening.port}/`);
        assert.deepEqual(listening.firmware, [join(dir, 'app.bin')]);
        const port = listening.port;
        assert.equal((await get(port, '/')).status, 200);
        assert.deepEqual((await get(port, '/firmware/app.bin')).body, Buffer.from(pattern(1024, 9)));
        for (const path of ['/firmware/other.bin', '/other.bin', '/../other.bin', '/firmware/..%2fother.bin']) assert.equal((await get(port, path)).status, 404, path);
        assert.equal((await get(port, '/', `attacker.example:${port}`)).status, 403);
        child.kill('SIGTERM');
        assert.equal(await exited, 0, stderr);
      } finally {
        child.kill('SIGKILL');
      }
    });
  });

  test('web and web build load no libusb, no simulator and no progress bars', async () => {
    await withFiles({ 'a.bin': pattern(64, 2) }, async (dir) => {
      const r = await loaded(['web', 'build', 'a.bin', '-o', 'site', '-q'], true, false, dir);
      assert.equal(r.status, 0, r.stderr);
      for (const forbidden of [/\/node_modules\/usb\//, /\/dist\/src\/transport\/usb\//, /\/dist\/src\/sim\//, /\/node_modules\/cli-progress\//]) {
        assert.deepEqual(r.urls.filter((u) => forbidden.test(u)), [], String(forbidden));
      }
      const help = await loaded(['--version'], true);
      assert.deepEqual(help.urls.filter((u) => /web-host|\/node_modules\/zod\//.test(u)), [], '--version loads neither the server nor zod');
    });
  });
});
