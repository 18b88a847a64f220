/**
 * `dfu-flash doctor`: every check with injected machine facts, a device that
 * cannot be opened, libusb that does not load, exit status and --json; and
 * the real thing against simulated devices.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../src/cli/main.js';
import { checkDevice, checkNode, findUdevRules, runDoctor, type Check } from '../../src/cli/doctor-checks.js';
import { renderChecks } from '../../src/cli/commands/doctor.js';
import { PLAIN_STYLE } from '../../src/cli/reporters/style.js';
import { readUsbPackage, systemWith, type SystemDeps } from '../../src/cli/system.js';
import { DfuFlashError } from '../../src/shared/errors.js';
import type { DfuDeviceInfo, UsbBackend } from '../../src/transport/types.js';
import { memoryIo } from './helpers.js';
import { STM32F4 } from './fixtures-devices.js';
import { withTempDir } from './tmp-dir.js';

function backendWith(devices: DfuDeviceInfo[], name: 'usb' | 'sim' = 'usb'): UsbBackend & { disposed: number } {
  return {
    name,
    capabilities: { canReset: true, stablePortPaths: true },
    disposed: 0,
    async list() {
      return devices;
    },
    async open() {
      throw new DfuFlashError('NO_DEVICE', 'not in this test');
    },
    dispose() {
      this.disposed++;
    },
  };
}

const LOCKED: DfuDeviceInfo = {
  ...STM32F4,
  key: 'usb:1-2:7',
  portPath: '1-2',
  product: undefined,
  serial: undefined,
  stringError: {
    code: 'ACCESS',
    message: 'open failed on USB device 0483:df11 at 1-2: permission denied (LIBUSB_ERROR_ACCESS)',
    hint: 'Your user may not open this USB device. Put this line in /etc/udev/rules.d/70-dfu-flash.rules: ...',
  },
};

function facts(dir: string, overrides: Partial<SystemDeps> = {}): SystemDeps {
  return systemWith({
    platform: 'linux',
    arch: 'x64',
    osRelease: '6.1.0',
    nodeVersion: '20.11.1',
    isRoot: () => false,
    udevRulesDirs: [join(dir, 'etc'), join(dir, 'lib')],
    usbPackage: async () => ({ version: '2.18.0', libusbVersion: '1.0.30' }),
    ...overrides,
  });
}

describe('checks', () => {
  test('Node version', () => {
    assert.deepEqual(checkNode('20.0.0'), { name: 'node', status: 'ok', message: 'Node.js 20.0.0' });
    assert.deepEqual(checkNode('22.3.0').status, 'ok');
    const old = checkNode('18.19.0');
    assert.equal(old.status, 'fail');
    assert.match(old.message, /too old \(dfu-flash needs 20 or newer\)/);
  });

  test('udev rules: ours, dfu-util\'s, or any naming 0483; nothing else', () =>
    withTempDir(async (dir) => {
      const [etc, lib] = [join(dir, 'etc'), join(dir, 'lib')];
      await mkdir(etc);
      await mkdir(lib);
      await writeFile(join(etc, '99-other.rules'), 'SUBSYSTEM=="usb", ATTRS{idVendor}=="046d", MODE="0666"\n');
      assert.deepEqual(await findUdevRules([etc, lib]), []);
      await writeFile(join(lib, '60-dfu-util.rules'), '# anything\n');
      await writeFile(join(etc, '50-stm32.rules'), 'ATTRS{idVendor}=="0483", ATTRS{idProduct}=="df11", TAG+="uaccess"\n');
      await writeFile(join(etc, 'README'), '0483');
      assert.deepEqual(await findUdevRules([etc, lib, join(dir, 'missing'), etc]), [join(etc, '50-stm32.rules'), join(lib, '60-dfu-util.rules')]);
    }));

  test('a device that cannot be opened fails with a fix; a readable one is ok', () => {
    assert.deepEqual(checkDevice(LOCKED, 'linux'), {
      name: 'device',
      status: 'fail',
      message: '0483:df11 (DFU mode) at 1-2: cannot be opened: open failed on USB device 0483:df11 at 1-2: permission denied (LIBUSB_ERROR_ACCESS)',
      hint: 'sudo dfu-flash udev-rules --install, then replug the device',
    });
    assert.equal(checkDevice({ ...LOCKED, stringError: { code: 'DRIVER', message: 'no WinUSB', hint: 'Zadig...' } }, 'win32').hint, 'Zadig...');
    assert.equal(checkDevice({ ...LOCKED, stringError: { code: 'TIMEOUT', message: 'string read timed out' } }, 'linux').status, 'warn');
    assert.deepEqual(checkDevice(STM32F4, 'linux'), {
      name: 'device',
      status: 'ok',
      message: '0483:df11 "STM32  BOOTLOADER" (DFU mode) at 1-1: can be opened, serial 3276365B3138, 4 alt settings',
    });
  });

  test('the usb package facts come from its package.json and bundled libusb sources', async () => {
    const f = await readUsbPackage();
    assert.match(f.version ?? '', /^2\.\d+\.\d+$/);
    assert.match(f.libusbVersion ?? 'unknown', /^(1\.\d+\.\d+|unknown)$/);
    const missing = await readUsbPackage('file:///nonexistent/dir/x.js');
    assert.equal(missing.version, undefined);
    assert.match(missing.error ?? '', /usb/);
  });
});

describe('runDoctor', () => {
  test('every check in order; one failure does not stop the others; backends disposed', () =>
    withTempDir(async (dir) => {
      const usb = backendWith([STM32F4, LOCKED]);
      const checks = await runDoctor({ system: facts(dir), loadUsb: async () => usb });
      assert.deepEqual(
        checks.map((c) => [c.name, c.status]),
        [
          ['node', 'ok'],
          ['os', 'ok'],
          ['usb-package', 'ok'],
          ['libusb', 'ok'],
          ['udev', 'warn'],
          ['device', 'ok'],
          ['device', 'fail'],
        ],
      );
      assert.equal(checks[2]!.message, 'usb 2.18.0 (bundled libusb 1.0.30)');
      assert.equal(checks[1]!.message, 'linux 6.1.0 (x64)');
      assert.equal(checks[4]!.hint, 'sudo dfu-flash udev-rules --install');
      assert.equal(usb.disposed, 1);
    }));

  test('libusb that does not load, and no usb package: fail lines, no exception', () =>
    withTempDir(async (dir) => {
      const checks = await runDoctor({
        system: facts(dir, { usbPackage: async () => ({ error: "Cannot find module 'usb/package.json'" }), platform: 'darwin' }),
        loadUsb: async () => {
          throw new DfuFlashError('USB_IO', 'Could not load libusb through the usb package: boom', { hint: 'Reinstall dfu-flash' });
        },
      });
      assert.deepEqual(
        checks.map((c: Check) => [c.name, c.status]),
        [
          ['node', 'ok'],
          ['os', 'ok'],
          ['usb-package', 'fail'],
          ['libusb', 'fail'],
        ],
      );
      assert.equal(checks[3]!.message, 'libusb does not load: Could not load libusb through the usb package: boom');
      assert.equal(checks[3]!.hint, 'Reinstall dfu-flash');
    }));

  test('as root: a warning that device access looks different for users', () =>
    withTempDir(async (dir) => {
      const checks = await runDoctor({ system: facts(dir, { isRoot: () => true }), loadUsb: async () => backendWith([]) });
      assert.deepEqual(checks.filter((c) => c.name === 'user').map((c) => c.status), ['warn']);
      assert.deepEqual(checks[checks.length - 1], {
        name: 'devices',
        status: 'warn',
        message: 'no DFU device found',
        hint: 'connect the device in DFU mode (ST parts: BOOT0 high during reset) or in its DFU-capable application',
      });
    }));

  test('listing that throws is one failed line', () =>
    withTempDir(async (dir) => {
      const broken: UsbBackend = { ...backendWith([]), list: async () => Promise.reject(new Error('libusb_get_device_list failed')) };
      const checks = await runDoctor({ system: facts(dir), loadUsb: async () => broken });
      assert.deepEqual(checks[checks.length - 1]!.status, 'fail');
      assert.match(checks[checks.length - 1]!.message, /^listing USB devices failed: internal error: libusb_get_device_list failed$/);
    }));

  test('rendered: one line per check, hints under warnings and failures', async () => {
    assert.equal(
      await renderChecks(
        [
          { name: 'node', status: 'ok', message: 'Node.js 20.11.1', hint: 'not shown' },
          { name: 'udev', status: 'warn', message: 'no udev rules', hint: 'sudo dfu-flash udev-rules --install' },
          { name: 'device', status: 'fail', message: 'cannot be opened', hint: 'replug' },
        ],
        PLAIN_STYLE,
      ),
      'ok    Node.js 20.11.1\nwarn  no udev rules\n      hint: sudo dfu-flash udev-rules --install\nFAIL  cannot be opened\n      hint: replug\n',
    );
  });
});

describe('dfu-flash doctor', () => {
  test('exit 1 when a check fails, 0 otherwise; --json result', () =>
    withTempDir(async (dir) => {
      const system = facts(dir);
      const failing = memoryIo();
      assert.equal(await run(['doctor'], failing, { system, createBackend: async () => backendWith([LOCKED]) }), 1);
      assert.match(failing.out(), /^ok {4}Node\.js 20\.11\.1\n/);
      assert.match(failing.out(), /\nFAIL {2}0483:df11 \(DFU mode\) at 1-2: cannot be opened: .*\n {6}hint: sudo dfu-flash udev-rules --install, then replug the device\n$/);

      const fine = memoryIo();
      assert.equal(await run(['doctor', '--json'], fine, { system, createBackend: async () => backendWith([STM32F4]) }), 0);
      const doc = JSON.parse(fine.out()) as { type: string; ok: boolean; operation: string; checks: Check[] };
      assert.equal(doc.type, 'result');
      assert.equal(doc.ok, true);
      assert.equal(doc.operation, 'doctor');
      assert.deepEqual(doc.checks.map((c) => c.name), ['node', 'os', 'usb-package', 'libusb', 'udev', 'device']);
      assert.equal(fine.err(), '');
    }));

  test('--simulate: the simulated devices are checked (real profiles)', () =>
    withTempDir(async (dir) => {
      const io = memoryIo();
      const code = await run(['doctor', '--simulate', 'stm32f4-sysboot,runtime-app', '--json'], io, { system: facts(dir) });
      assert.equal(code, 0, io.err());
      const doc = JSON.parse(io.out()) as { checks: Check[] };
      assert.deepEqual(
        doc.checks.filter((c) => c.name === 'device').map((c) => c.message),
        [
          '0483:df11 "STM32  BOOTLOADER" (DFU mode) at 1-1: can be opened, serial 315A28A0B956, 4 alt settings',
          '0483:5740 "Example STM32 application" (runtime mode) at 1-2: can be opened, serial 4A3B2C1D0E0F, 1 alt setting',
        ],
      );
    }));

  test('--simulate with an unknown profile: a failed line naming the known ones, exit 1', () =>
    withTempDir(async (dir) => {
      const io = memoryIo();
      assert.equal(await run(['doctor', '--simulate', 'nope'], io, { system: facts(dir), createBackend: undefined }), 1);
      assert.match(io.out(), /\nFAIL {2}unknown simulation profile: nope\n {6}hint: known profiles: stm32f4-sysboot, /);
    }));
});
