/** Platform-specific hints: Zadig on Windows, --transfer-timeout on macOS, the udev installer on Linux. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../src/cli/main.js';
import { SLOW_DEVICE_HINT, UDEV_INSTALL_HINT, ZADIG_HINT, withGuidance } from '../../src/cli/hints.js';
import { DfuFlashError, type ErrorCode } from '../../src/shared/errors.js';
import { backendFactory, fakeOps, memoryIo } from './helpers.js';
import { withTempDir } from './tmp-dir.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const TRANSPORT_ZADIG = 'Windows has no WinUSB driver bound to 0483:df11 (an STTub30/DfuSe driver, or none). Install WinUSB with Zadig (https://zadig.akeo.ie): ...';

const cases: { platform: NodeJS.Platform; code: ErrorCode; hint: string | undefined; expected: string | undefined }[] = [
  // Windows: access and driver errors need WinUSB
  { platform: 'win32', code: 'ACCESS', hint: 'check your permissions', expected: ZADIG_HINT },
  { platform: 'win32', code: 'DRIVER', hint: undefined, expected: ZADIG_HINT },
  { platform: 'win32', code: 'DRIVER', hint: TRANSPORT_ZADIG, expected: TRANSPORT_ZADIG },
  { platform: 'win32', code: 'TIMEOUT', hint: 'replug', expected: 'replug' },
  // macOS: slow devices
  { platform: 'darwin', code: 'TIMEOUT', hint: 'replug', expected: SLOW_DEVICE_HINT },
  { platform: 'darwin', code: 'TIMEOUT', hint: 'use --transfer-timeout 30000', expected: 'use --transfer-timeout 30000' },
  { platform: 'darwin', code: 'ACCESS', hint: 'quit other DFU tools', expected: 'quit other DFU tools' },
  // Linux: the installer for every known device
  { platform: 'linux', code: 'ACCESS', hint: 'add a udev rule.', expected: `add a udev rule; ${UDEV_INSTALL_HINT}` },
  { platform: 'linux', code: 'ACCESS', hint: undefined, expected: UDEV_INSTALL_HINT },
  { platform: 'linux', code: 'TIMEOUT', hint: 'replug', expected: 'replug' },
  { platform: 'linux', code: 'DRIVER', hint: 'x', expected: 'x' },
  { platform: 'freebsd', code: 'ACCESS', hint: 'x', expected: 'x' },
];

describe('withGuidance', () => {
  for (const c of cases) {
    test(`${c.platform} ${c.code} (hint ${c.hint === undefined ? 'none' : JSON.stringify(c.hint.slice(0, 20))})`, () => {
      const original = new DfuFlashError(c.code, 'the facts', { hint: c.hint, details: { vendorId: 0x0483 }, cause: new Error('libusb') });
      const e = withGuidance(original, c.platform);
      assert.equal(e.hint, c.expected);
      assert.equal(e.code, c.code);
      assert.equal(e.message, 'the facts');
      assert.deepEqual(e.details, { vendorId: 0x0483 });
      assert.equal((e.cause as Error).message, 'libusb');
      if (c.expected === c.hint) assert.equal(e, original, 'unchanged errors are passed through');
    });
  }

  test('the Zadig steps and the timeout option are named', () => {
    assert.match(ZADIG_HINT, /WinUSB.*Zadig.*Options > List All Devices.*DFU device.*WinUSB.*Replace Driver/);
    assert.match(SLOW_DEVICE_HINT, /--transfer-timeout 20000/);
  });
});

describe('through run()', () => {
  const fail = (code: ErrorCode) => new DfuFlashError(code, 'open failed on USB device 0483:df11 at 1-1', { hint: 'generic' });
  const expectations: [NodeJS.Platform, ErrorCode, number, string][] = [
    ['win32', 'DRIVER', 77, ZADIG_HINT],
    ['darwin', 'TIMEOUT', 74, SLOW_DEVICE_HINT],
  ];
  for (const [platform, code, status, hint] of expectations) {
    test(`${platform}: ${code} → exit ${status}, the platform's hint (also in --json)`, () =>
      withTempDir(async (dir) => {
        await writeFile(join(dir, 'fw.bin'), new Uint8Array(4));
        const io = memoryIo({ cwd: dir });
        const got = await run(['download', '--json', 'fw.bin'], io, { ops: fakeOps({ fail: fail(code) }), createBackend: backendFactory().createBackend, system: { platform } });
        assert.equal(got, status);
        assert.equal(io.err(), `dfu-flash: error: open failed on USB device 0483:df11 at 1-1\n  hint: ${hint}\n`);
        const last = JSON.parse(io.out().trimEnd().split('\n').pop()!) as { error: { hint: string } };
        assert.equal(last.error.hint, hint);
      }));
  }
});
