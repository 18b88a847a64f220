import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { download } from '../support/file-ops.js';
import { isDfuFlashError } from '../../src/shared/errors.js';
import { parseDfuseAddress } from '../../src/dfu/dfuse-address.js';
import type { UsbBackend } from '../../src/transport/types.js';
import { dfuseCommandLog, pattern, recording, rig, tempDir, writeTemp } from './helpers.js';

/** A backend whose transports flip one bit in the `nth` data block sent (a corrupted write on the way). */
function corrupting(backend: UsbBackend, nth: number): UsbBackend {
  let seen = 0;
  return {
    ...backend,
    list: () => backend.list(),
    open: async (info) => {
      const t = await backend.open(info);
      return {
        ...t,
        info: t.info,
        controlIn: (s, o) => t.controlIn(s, o),
        controlOut: (s, data, o) => {
          if (s.bRequest === 1 && s.wValue >= 2 && data.length > 0 && ++seen === nth) {
            const bad = data.slice();
            bad[100] = bad[100]! ^ 0x10;
            return t.controlOut(s, bad, o);
          }
          return t.controlOut(s, data, o);
        },
        claimInterface: (n) => t.claimInterface(n),
        releaseInterface: (n) => t.releaseInterface(n),
        setAltSetting: (i, a) => t.setAltSetting(i, a),
        reset: () => t.reset(),
        close: () => t.close(),
      };
    },
  };
}

describe('--verify', () => {
  test('a clean download verifies, and the device still leaves after verifying', async () => {
    const r = rig(['stm32f4-sysboot']);
    const file = writeTemp(tempDir(), 'fw.bin', pattern(40_000, 9));
    const res = await download({ selector: {}, file, dfuse: parseDfuseAddress('0x08000000:leave'), reset: false, verify: true }, r.ctx);
    assert.equal(res.verified, true);
    assert.deepEqual(res.phases.map((p) => p.phase), ['erase', 'download', 'verify', 'leave']);
  });

  test('a corrupted write is caught with the first differing address and VERIFY_MISMATCH', async () => {
    const r = rig(['stm32f4-sysboot']);
    const file = writeTemp(tempDir(), 'fw.bin', pattern(40_000, 9));
    await assert.rejects(
      download({ selector: {}, file, dfuse: parseDfuseAddress('0x08000000:leave'), reset: false, verify: true }, { ...r.ctx, backend: corrupting(r.backend, 3) }),
      (e: unknown) => {
        assert.ok(isDfuFlashError(e, 'VERIFY_MISMATCH'));
        assert.equal(e.details['address'], 0x08000000 + 2 * 2048 + 100);
        assert.match(e.message, /0x08001064/);
        return true;
      },
    );
    assert.equal(r.device().connected, true, 'no leave after a failed verify');
  });

  test('on a device that leaves after manifestation (dapboot) --verify is refused before any transfer', async () => {
    const r = rig(['dapboot']);
    const file = writeTemp(tempDir(), 'fw.bin', pattern(100));
    await assert.rejects(download({ selector: {}, file, reset: false, verify: true }, r.ctx), (e: unknown) => isDfuFlashError(e, 'USAGE'));
    assert.equal(r.device().transcript.filter((t) => (t.setup.bmRequestType & 0x7f) === 0x21).length, 0);
  });
});

describe('--verify on a plain DFU device that stays in DFU mode (Openmoko U-Boot: manifestation tolerant)', () => {
  test('reads the firmware back after manifestation; a corrupted block is caught at its offset', async () => {
    const image = pattern(10_000, 13);
    const ok = rig(['openmoko']);
    const res = await download({ selector: { alt: 1 }, file: writeTemp(tempDir(), 'u.bin', image), reset: false, verify: true }, ok.ctx);
    assert.equal(res.verified, true);
    assert.deepEqual(res.phases.map((p) => p.phase), ['download', 'manifest', 'verify']);

    const bad = rig(['openmoko']);
    bad.device().faults.add({ request: 'DFU_DNLOAD', nth: 2, action: 'corrupt' });
    await assert.rejects(download({ selector: { alt: 1 }, file: writeTemp(tempDir(), 'u.bin', image), reset: false, verify: true }, bad.ctx), (e: unknown) => {
      assert.ok(isDfuFlashError(e, 'VERIFY_MISMATCH'));
      assert.equal(e.details['address'], 4096 + 100, 'second 4096-byte block, byte 100 (an offset: DFU 1.1 has no addresses)');
      return true;
    });
  });
});

describe('--skip-unchanged', () => {
  test('re-flashing 512 KiB with one sector changed erases and writes only that sector', async () => {
    const r = rig(['stm32f4-sysboot']);
    const dir = tempDir();
    const v1 = pattern(512 * 1024, 21);
    await download({ selector: {}, file: writeTemp(dir, 'v1.bin', v1), dfuse: parseDfuseAddress('0x08000000'), reset: false }, r.ctx);
    const v2 = v1.slice();
    v2[0x10000 + 5] = v2[0x10000 + 5]! ^ 0xff; // inside the 64 KiB sector at 0x08010000
    const dev = r.device();
    const erasesBefore = dev.eraseLog.length;
    const rec = recording(r.backend, r.clock);
    const res = await download(
      { selector: {}, file: writeTemp(dir, 'v2.bin', v2), dfuse: parseDfuseAddress('0x08000000'), reset: false, skipUnchanged: true, verify: true },
      { ...r.ctx, backend: rec.backend },
    );
    assert.deepEqual([...dev.eraseLog.slice(erasesBefore)], [0x08010000]);
    assert.deepEqual(dfuseCommandLog(rec.log).filter((c) => !c.startsWith('SET_ADDRESS')), ['ERASE 0x08010000', 'DATA×32']);
    assert.deepEqual(res.skipped, { sectors: 7, bytes: 512 * 1024 - 64 * 1024 });
    assert.deepEqual(dev.readFlash(0x08000000, v2.length), v2);
    assert.equal(res.verified, true);
    assert.equal(dev.earlyPolls, 0);
    // how much faster that is, against dfu-util and the device minimum, is measured in bench/, not asserted here
  });

  test('--dry-run plans and sends no DFU request', async () => {
    const r = rig(['stm32f4-sysboot']);
    const res = await download(
      { selector: {}, file: writeTemp(tempDir(), 'fw.bin', pattern(20_000)), dfuse: parseDfuseAddress('0x08000000:leave'), reset: false, dryRun: true },
      r.ctx,
    );
    assert.ok(res.plan?.some((l) => l.startsWith('erase 0x08004000')));
    assert.equal(r.device().transcript.filter((t) => (t.setup.bmRequestType & 0x7f) === 0x21).length, 0);
  });
});
