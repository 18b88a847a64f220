/**
 * A seeded random fault campaign through the public API: random devices, a
 * random fault (stall, silent, gone, busy, a corrupted block, an error
 * status, a device stuck in dfuDNBUSY until ABORT, the CLRSTATUS pair or a
 * USB reset frees it) on a random request at a random position, a download with the
 * defaults. Every case must end — no hang — in a success or a DfuFlashError
 * (never anything else, never INTERNAL); a success on a device that can be
 * read back means the flash holds the image (no false success); and a device
 * still on the bus takes the next, clean download (nothing left unusable).
 * Virtual time (FakeClock): the whole campaign runs in seconds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { download, isDfuFlashError, DfuFlashError, type DownloadResult } from '../../src/index.js';
import { DfuStatus } from '../../src/dfu/constants.js';
import { FakeClock } from '../../src/transport/clock.js';
import { createSimBackend } from '../../src/sim/index.js';
import type { SimFaultAction, SimFaultSpec } from '../../src/sim/faults.js';
import { pattern } from '../support/pattern.js';

interface Board {
  profile: string;
  /** Where a raw image goes (undefined: the device decides, DFU 1.1). */
  address?: number;
  /** A read-back can see what was written. */
  verifiable: boolean;
  size: number;
}

const BOARDS: Board[] = [
  { profile: 'stm32f4-sysboot', address: 0x08000000, verifiable: true, size: 40_000 },
  { profile: 'stm32f1-cubemx', address: 0x08008000, verifiable: true, size: 20_000 },
  { profile: 'stm32l4-sysboot', address: 0x08000000, verifiable: true, size: 12_000 },
  { profile: 'stm32h7-sysboot', address: 0x08000000, verifiable: true, size: 20_000 },
  { profile: 'gd32vf103', address: 0x08000000, verifiable: true, size: 8_000 },
  { profile: 'blackmagic', address: 0x08002000, verifiable: true, size: 8_000 },
  { profile: 'dapboot', verifiable: false, size: 10_000 },
];

const REQUESTS = ['DFU_DNLOAD', 'DFU_GETSTATUS', 'DFU_UPLOAD', 'DFU_CLRSTATUS', 'DFU_ABORT', 'GET_DESCRIPTOR', 'SET_INTERFACE'] as const;
const STATUSES = [DfuStatus.errWRITE, DfuStatus.errVERIFY, DfuStatus.errTARGET, DfuStatus.errADDRESS, DfuStatus.errVENDOR, DfuStatus.errUNKNOWN, DfuStatus.errCHECK_ERASED];

const faultArb = fc.record({
  request: fc.constantFrom(...REQUESTS),
  nth: fc.integer({ min: 1, max: 40 }),
  times: fc.constantFrom(1, 1, 2, 3),
  action: fc.oneof(
    fc.constantFrom<SimFaultAction>('stall', 'silent', 'gone', 'busy', 'corrupt'),
    fc.constantFrom(...STATUSES).map((status): SimFaultAction => ({ status })),
    // a device that wedges in dfuDNBUSY until a known recovery frees it (each one of them), polled at 0-20 ms
    fc.record({ stuck: fc.constantFrom('abort' as const, 'clrstatus' as const, 'reset' as const), pollMs: fc.constantFrom(0, 5, 20) }).map((a): SimFaultAction => a),
  ),
});

async function settleOrHang<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  let guard: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    // a hang guard only: virtual time makes every case finish in milliseconds of real time
    guard = setTimeout(() => reject(new Error('HANG: the download neither finished nor failed')), 60_000);
  });
  try {
    return { ok: true, value: await Promise.race([p, hang]) };
  } catch (error) {
    return { ok: false, error };
  } finally {
    clearTimeout(guard);
  }
}

test('random faults: no hang, no crash, no false success, nothing left unusable (seeded)', async () => {
  let cases = 0;
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...BOARDS), faultArb, fc.integer({ min: 0, max: 255 }), async (board, fault, seed) => {
      cases++;
      const clock = new FakeClock();
      const backend = createSimBackend([board.profile], { clock, timeScale: 1 });
      const device = backend.bus.devices[0]!;
      const image = pattern(board.size, seed);
      const options = { backend, clock, image, ...(board.address === undefined ? {} : { address: board.address }) };
      device.faults.add(fault as SimFaultSpec);
      const first = await settleOrHang<DownloadResult>(download(options));
      if (!first.ok) {
        assert.ok(first.error instanceof DfuFlashError, `not a DfuFlashError: ${String((first.error as Error)?.stack ?? first.error)}`);
        assert.notEqual(first.error.code, 'INTERNAL', first.error.message);
      } else if (board.verifiable && device.connected && first.value.verified) {
        assert.deepEqual(device.readFlash(board.address!, board.size), image, 'a reported success: the flash holds the image');
      }
      if (first.ok && board.verifiable) assert.equal(first.value.verified, true, 'a device that can be read back was read back');
      // the device, if still there, takes a clean download (a device that left the bus is a replug away); a
      // device still stuck keeps its state: clearing the faults frees nothing, the next run must recover it
      const now = backend.bus.devices.at(-1)!;
      if (!now.connected) return;
      now.faults.clear();
      device.faults.clear();
      const again = await settleOrHang<DownloadResult>(download(options));
      assert.ok(again.ok, `the next download failed: ${again.ok ? '' : (again.error as Error).message}`);
      if (board.verifiable) assert.deepEqual(now.readFlash(board.address!, board.size), image);
      backend.dispose();
    }),
    { seed: 20261203, numRuns: 300 },
  );
  assert.equal(cases >= 300, true);
});

test('a DfuFlashError from the campaign is typed all the way: code, message, and the phase when a phase failed', async () => {
  const clock = new FakeClock();
  const backend = createSimBackend(['stm32f4-sysboot'], { clock });
  backend.bus.devices[0]!.faults.add({ request: 'DFU_DNLOAD', nth: 9, action: { status: DfuStatus.errWRITE } });
  await assert.rejects(download({ backend, clock, image: pattern(40_000, 1), address: 0x08000000 }), (e: unknown) => {
    assert.ok(isDfuFlashError(e, 'DFU_STATUS'));
    assert.equal(e.phase, 'download');
    assert.equal(e.status, DfuStatus.errWRITE);
    assert.equal(typeof e.address, 'number');
    return true;
  });
});
