/**
 * `dfu-flash udev-rules [--install]`: the rules text, and the installer run
 * against a temporary rules folder and a fake udevadm that logs its arguments.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../src/cli/main.js';
import { KNOWN_DFU_DEVICES } from '../../src/cli/known-devices.js';
import { udevRuleLine, udevRulesText } from '../../src/cli/udev.js';
import type { SystemDeps } from '../../src/cli/system.js';
import { hex16 } from '../../src/shared/errors.js';
import { memoryIo } from './helpers.js';
import { listDir, withTempDir } from './tmp-dir.js';

/** The VID:PIDs the brief names from research/devices.md; the table must hold at least these. */
const REQUIRED = ['0483:df11', '28e9:0189', '1209:db42', '1d50:6017', '1d50:6018', '1d50:607f', '2b04:d006', '2b04:d008', '1eaf:0003', '2341:035b', '1d50:5119', '1fc9:000c'];

describe('rules text', () => {
  test('one uaccess rule per known device, each under a comment naming it', () => {
    const text = udevRulesText();
    const lines = text.split('\n');
    for (const d of KNOWN_DFU_DEVICES) {
      const rule = `SUBSYSTEM=="usb", ATTRS{idVendor}=="${hex16(d.vendorId)}", ATTRS{idProduct}=="${hex16(d.productId)}", TAG+="uaccess"`;
      const at = lines.indexOf(rule);
      assert.ok(at > 0, rule);
      assert.ok(lines[at - 1]!.startsWith(`# ${d.name} [${hex16(d.vendorId)}:${hex16(d.productId)}, `), lines[at - 1]);
    }
    const rules = lines.filter((l) => l.startsWith('SUBSYSTEM=='));
    assert.equal(rules.length, KNOWN_DFU_DEVICES.length);
    assert.equal(new Set(rules).size, rules.length, 'no duplicates');
    assert.ok(lines.every((l) => l === '' || l.startsWith('#') || l.startsWith('SUBSYSTEM=="usb", ATTRS{idVendor}=="')), 'nothing but comments and rules');
  });

  test('covers the devices of research/devices.md', () => {
    const ids = new Set(KNOWN_DFU_DEVICES.map((d) => `${hex16(d.vendorId)}:${hex16(d.productId)}`));
    for (const id of REQUIRED) assert.ok(ids.has(id), id);
  });

  test('printed on stdout', async () => {
    const io = memoryIo();
    assert.equal(await run(['udev-rules'], io), 0);
    assert.equal(io.out(), udevRulesText());
    assert.equal(io.err(), '');
    assert.equal(udevRuleLine(0x0483, 0xdf11), 'SUBSYSTEM=="usb", ATTRS{idVendor}=="0483", ATTRS{idProduct}=="df11", TAG+="uaccess"');
  });

  test('--json', async () => {
    const io = memoryIo();
    assert.equal(await run(['udev-rules', '--json'], io), 0);
    assert.deepEqual(JSON.parse(io.out()), { type: 'result', ok: true, operation: 'udev-rules', path: '/etc/udev/rules.d/70-dfu-flash.rules', rules: udevRulesText() });
  });
});

/** A temp rules folder and a fake udevadm (exit status from $FAKE_UDEVADM_EXIT) that logs each call. */
async function fakeSystem(dir: string, exitStatus = 0, overrides: Partial<SystemDeps> = {}): Promise<{ system: Partial<SystemDeps>; log: string; rulesDir: string }> {
  const rulesDir = join(dir, 'rules.d');
  await mkdir(rulesDir);
  const log = join(dir, 'udevadm.log');
  const udevadm = join(dir, 'udevadm');
  await writeFile(udevadm, `#!/bin/sh\necho "$*" >> '${log}'\n[ ${exitStatus} -eq 0 ] || echo "udevadm: simulated failure" >&2\nexit ${exitStatus}\n`);
  await chmod(udevadm, 0o755);
  return { system: { platform: 'linux', isRoot: () => true, udevRulesPath: join(rulesDir, '70-dfu-flash.rules'), udevadm, ...overrides }, log, rulesDir };
}

describe('--install', () => {
  test('as root: writes the file atomically (0644), reloads and triggers udev', () =>
    withTempDir(async (dir) => {
      const { system, log, rulesDir } = await fakeSystem(dir);
      await writeFile(join(rulesDir, '70-dfu-flash.rules'), '# an older version\n');
      const io = memoryIo({ cwd: dir });
      assert.equal(await run(['udev-rules', '--install'], io, { system }), 0, io.err());
      const path = join(rulesDir, '70-dfu-flash.rules');
      assert.equal(await readFile(path, 'utf8'), udevRulesText(KNOWN_DFU_DEVICES, path));
      assert.equal((await stat(path)).mode & 0o777, 0o644);
      assert.deepEqual(await listDir(rulesDir), ['70-dfu-flash.rules'], 'no temporary file left');
      assert.equal(await readFile(log, 'utf8'), 'control --reload-rules\ntrigger --subsystem-match=usb\n');
      assert.equal(io.err(), `Wrote ${path} (${KNOWN_DFU_DEVICES.length} devices); reloaded udev and re-applied the rules to USB devices. Replug your device.\n`);
      assert.equal(io.out(), '');
    }));

  test('not root: ACCESS (exit 77) saying to use sudo; nothing written or run', () =>
    withTempDir(async (dir) => {
      const { system, log, rulesDir } = await fakeSystem(dir, 0, { isRoot: () => false });
      const io = memoryIo({ cwd: dir });
      assert.equal(await run(['udev-rules', '--install'], io, { system }), 77);
      assert.equal(
        io.err(),
        `dfu-flash: error: writing ${join(rulesDir, '70-dfu-flash.rules')} needs root\n` +
          '  hint: run it with sudo: sudo dfu-flash udev-rules --install (or save the output of "dfu-flash udev-rules" there yourself)\n',
      );
      assert.deepEqual(await listDir(rulesDir), []);
      await assert.rejects(readFile(log), /ENOENT/);
    }));

  test('udevadm failing: the rules stay written, a warning says so, exit 0', () =>
    withTempDir(async (dir) => {
      const { system, rulesDir } = await fakeSystem(dir, 3);
      const io = memoryIo({ cwd: dir });
      assert.equal(await run(['udev-rules', '--install'], io, { system }), 0);
      assert.deepEqual(await listDir(rulesDir), ['70-dfu-flash.rules']);
      const err = io.err().split('\n');
      assert.match(err[0]!, /^dfu-flash: warning: ".*udevadm control --reload-rules" failed \(exit 3: udevadm: simulated failure\)$/);
      assert.equal(err[1], '  hint: the rules apply after the next reboot, or run it yourself');
      assert.match(io.err(), /; udev was not fully reloaded \(see above\)\. Replug your device\.\n$/);
    }));

  test('udevadm missing: a warning, not a crash', () =>
    withTempDir(async (dir) => {
      const { system } = await fakeSystem(dir, 0, { udevadm: join(dir, 'no-such-udevadm') });
      const io = memoryIo({ cwd: dir });
      assert.equal(await run(['udev-rules', '--install', '--json'], io, { system }), 0);
      const r = JSON.parse(io.out()) as { installed: boolean; steps: { ok: boolean; detail: string }[] };
      assert.equal(r.installed, true);
      assert.deepEqual(r.steps.map((s) => s.ok), [false, false]);
      assert.match(r.steps[0]!.detail, /ENOENT/);
    }));

  test('not Linux: UNSUPPORTED (exit 76) with the platform\'s advice', async () => {
    for (const [platform, hint] of [
      ['win32', /WinUSB .*Zadig/],
      ['darwin', /macOS needs no rules/],
    ] as const) {
      const io = memoryIo();
      assert.equal(await run(['udev-rules', '--install'], io, { system: { platform, isRoot: () => true } }), 76);
      assert.match(io.err(), new RegExp(`^dfu-flash: error: udev rules are for Linux; this system is ${platform}\\n {2}hint: `));
      assert.match(io.err(), hint);
    }
  });

  test('missing rules folder: FILE_NOT_FOUND (exit 66)', () =>
    withTempDir(async (dir) => {
      const { system } = await fakeSystem(dir, 0, { udevRulesPath: join(dir, 'nope', '70-dfu-flash.rules') });
      const io = memoryIo({ cwd: dir });
      assert.equal(await run(['udev-rules', '--install'], io, { system }), 66);
      assert.match(io.err(), /cannot write .*nope\/70-dfu-flash\.rules: .*\n {2}hint: check that udev is installed/);
    }));
});
