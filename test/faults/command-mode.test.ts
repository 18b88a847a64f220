/**
 * DfuSe command mode (src/ops/command-mode.ts): `-s :mass-erase:force[:leave]`,
 * `-s :unprotect:force` and `-s :leave` without a file. What they destroy is
 * announced (a warning naming the region and its size) before the first DFU
 * request; read-out protection is modelled by the simulated F4 ROM.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseDfuseAddress } from '../../src/dfu/dfuse-address.js';
import { DfuStatus } from '../../src/dfu/constants.js';
import type { FlashEvent } from '../../src/dfu/events.js';
import { dfuseCommand, download, upload } from '../support/file-ops.js';
import { commandKind } from '../../src/cli/dfu-util/command-kind.js';
import { isDfuFlashError, type DfuFlashError } from '../../src/shared/errors.js';
import { Bench, dfuClass, pattern, tempDir, writeIn } from './helpers.js';
import { cliHint } from '../../src/cli/hints.js';

const F4_SECTORS = [
  ...[0, 1, 2, 3].map((i) => 0x08000000 + i * 0x4000),
  0x08010000,
  ...[0, 1, 2, 3, 4, 5, 6].map((i) => 0x08020000 + i * 0x20000),
];

describe('commandKind: which -s values make a command, checked before any device', () => {
  const ok: [string, string][] = [
    [':mass-erase:force', 'mass-erase'],
    [':mass-erase:force:leave', 'mass-erase'],
    ['0x08000000:mass-erase:force:leave', 'mass-erase'],
    [':unprotect:force', 'unprotect'],
    [':leave', 'leave'],
    ['0x08000000:leave', 'leave'],
    [':force:mass-erase', 'mass-erase'],
  ];
  for (const [spec, kind] of ok) test(`${spec} → ${kind}`, () => assert.equal(commandKind(parseDfuseAddress(spec)), kind));

  const bad: [string, string, RegExp][] = [
    ['0x08000000', 'USAGE', /an address but no file and no :leave/],
    ['0x08000000:16', 'USAGE', /with a length \(16\) reads memory/],
    [':mass-erase:unprotect:force', 'USAGE', /both :mass-erase and :unprotect/],
    [':unprotect:force:leave', 'USAGE', /the chip resets by itself/],
    ['0x08000000:unprotect:force', 'USAGE', /takes no address/],
    ['0x08000000:will-reset', 'USAGE', /will-reset applies to a download/],
    [':force', 'USAGE', /needs a command/],
    ['0x08000000:mass-erase:force', 'USAGE', /an address but no file and no :leave/],
  ];
  for (const [spec, code, message] of bad) {
    test(`${spec} is refused (${code})`, () =>
      assert.throws(
        () => commandKind(parseDfuseAddress(spec)),
        (e: unknown) => isDfuFlashError(e, code as 'USAGE') && message.test(e.message) && (e.hint ?? '').length > 0,
      ));
  }
  test('without :force (built by hand, not by the -s parser): BAD_ADDRESS_SPEC', () => {
    const o = { ...parseDfuseAddress(':mass-erase:force'), force: false };
    assert.throws(() => commandKind(o), (e: unknown) => isDfuFlashError(e, 'BAD_ADDRESS_SPEC') && /needs :force/.test(e.message));
  });
});

async function prefill(bench: Bench, data: Uint8Array, address = 0x08000000): Promise<void> {
  const dir = tempDir();
  const ctx = bench.ctx();
  await download({ selector: { alt: 0 }, file: writeIn(dir, 'fill.bin', data), dfuse: parseDfuseAddress(`0x${address.toString(16)}`), reset: false }, ctx);
  ctx.backend.dispose();
}

/** Index in `events` of the first warning, and how many DFU requests the device had seen by then. */
function warnedFirst(events: FlashEvent[]): FlashEvent & { type: 'warning' } {
  const i = events.findIndex((e) => e.type === 'warning');
  assert.ok(i >= 0, 'a warning');
  const phase = events.findIndex((e) => e.type === 'phase-start');
  assert.ok(phase < 0 || i < phase, 'the warning comes before the first phase');
  return events[i] as FlashEvent & { type: 'warning' };
}

describe('mass erase', () => {
  test('-s :mass-erase:force warns with the region and size first, then erases every sector of it', async () => {
    const bench = new Bench(['stm32f4-sysboot']);
    await prefill(bench, pattern(200_000, 3));
    const device = bench.device();
    const before = dfuClass(device.transcript).length;
    const eraseLogBefore = device.eraseLog.length;
    let requestsAtWarning = -1;
    const events: FlashEvent[] = [];
    const ctx = bench.ctx(events, (e) => {
      if (e.type === 'warning' && requestsAtWarning < 0) requestsAtWarning = dfuClass(device.transcript).length;
    });
    const result = await dfuseCommand({ selector: { alt: 0 }, dfuse: parseDfuseAddress(':mass-erase:force') }, ctx);
    ctx.backend.dispose();
    const w = warnedFirst(events);
    assert.equal(w.message, 'mass erase: all of Internal Flash (1 MiB, 0x08000000-0x080fffff) will be erased');
    assert.match(w.hint!, /everything else in the flash .* is lost/);
    assert.equal(requestsAtWarning, before, 'no DFU request before the warning');
    assert.deepEqual([...device.eraseLog.slice(eraseLogBefore)].sort((a, b) => a - b), F4_SECTORS);
    assert.deepEqual(device.readFlash(0x08000000, 200_000), new Uint8Array(200_000).fill(0xff));
    assert.equal(result.outcome, 'flash mass-erased');
    assert.deepEqual(result.phases.map((p) => p.phase), ['erase']);
    assert.deepEqual(device.claimedInterfaces, []);
    assert.ok(bench.allClosed);
    assert.equal(device.stateName, 'dfuIDLE', 'left in dfuIDLE for the next command');
  });

  test('0x08000000:mass-erase:force:leave erases, then jumps to 0x08000000 and the device leaves', async () => {
    const bench = new Bench(['stm32f4-sysboot']);
    const ctx = bench.ctx();
    const result = await dfuseCommand({ selector: { alt: 0 }, dfuse: parseDfuseAddress('0x08000000:mass-erase:force:leave') }, ctx);
    ctx.backend.dispose();
    assert.equal(result.outcome, 'flash mass-erased; device left DFU mode');
    const commands = dfuClass(bench.device().transcript)
      .filter((e) => e.request === 'DFU_DNLOAD')
      .map((e) => `${e.setup.wValue}:${e.length}`);
    assert.deepEqual(commands, ['0:1', '0:5', '2:0'], 'MASS_ERASE, SET_ADDRESS, zero-length DNLOAD');
  });

  test('on a read-protected chip: errVENDOR, with the way out (unprotect) in the hint', async () => {
    const bench = new Bench(['stm32f4-sysboot']);
    bench.device().readProtected = true;
    const ctx = bench.ctx();
    const e = await dfuseCommand({ selector: { alt: 0 }, dfuse: parseDfuseAddress(':mass-erase:force') }, ctx).then(
      () => assert.fail('succeeded'),
      (x: unknown) => x as DfuFlashError,
    );
    ctx.backend.dispose();
    assert.equal(e.code, 'DFU_STATUS');
    assert.match(e.message, /^MASS_ERASE failed: device reports errVENDOR/);
    assert.equal(e.details['phase'], 'erase');
    assert.match(e.hint!, /read-out or write protection .*an unprotect/);
    assert.match(cliHint(e, 'linux')!, /read-out or write protection .*-s :unprotect:force/);
  });

  test('a stalled MASS_ERASE: named, the device cleared for the next run', async () => {
    const bench = new Bench(['stm32f4-sysboot']);
    bench.device().faults.add({ request: 'DFU_DNLOAD', action: 'stall' });
    const ctx = bench.ctx();
    const e = await dfuseCommand({ selector: { alt: 0 }, dfuse: parseDfuseAddress(':mass-erase:force') }, ctx).then(
      () => assert.fail('succeeded'),
      (x: unknown) => x as DfuFlashError,
    );
    ctx.backend.dispose();
    assert.equal(e.code, 'STALL');
    assert.match(e.message, /^MASS_ERASE: DFU_DNLOAD .* was stalled .*; the device then reports errSTALLEDPKT/);
    assert.deepEqual(bench.device().claimedInterfaces, []);
    const again = bench.ctx();
    assert.equal((await dfuseCommand({ selector: { alt: 0 }, dfuse: parseDfuseAddress(':mass-erase:force') }, again)).outcome, 'flash mass-erased');
    again.backend.dispose();
  });

  test('download -s …:mass-erase:force warns the same way before its first request, then writes the image', async () => {
    const bench = new Bench(['stm32f4-sysboot']);
    const device = bench.device();
    let requestsAtWarning = -1;
    const events: FlashEvent[] = [];
    const ctx = bench.ctx(events, (e) => {
      if (e.type === 'warning' && requestsAtWarning < 0) requestsAtWarning = dfuClass(device.transcript).length;
    });
    const image = pattern(3000, 12);
    await download({ selector: { alt: 0 }, file: writeIn(tempDir(), 'fw.bin', image), dfuse: parseDfuseAddress('0x08000000:mass-erase:force'), reset: false }, ctx);
    ctx.backend.dispose();
    assert.equal(warnedFirst(events).message, 'mass erase: all of Internal Flash (1 MiB, 0x08000000-0x080fffff) will be erased, not only the 3000 bytes the image needs');
    assert.equal(requestsAtWarning, 0);
    assert.deepEqual([...device.eraseLog].sort((a, b) => a - b), F4_SECTORS);
    assert.deepEqual(device.readFlash(0x08000000, image.length), image);
  });

  test('a DFU 1.1 device has no commands: UNSUPPORTED before any DFU request', async () => {
    const bench = new Bench(['dapboot']);
    const ctx = bench.ctx();
    await assert.rejects(dfuseCommand({ selector: {}, dfuse: parseDfuseAddress(':mass-erase:force') }, ctx), (e: unknown) => isDfuFlashError(e, 'UNSUPPORTED') && /plain DFU 1\.1/.test(e.message));
    ctx.backend.dispose();
    assert.deepEqual(dfuClass(bench.device().transcript), []);
  });
});

describe('read-out protection', () => {
  test('protected: upload and download fail with errVENDOR and say how to lift it; unprotect erases, the chip comes back, then everything works', async () => {
    const bench = new Bench(['stm32f4-sysboot']);
    const secret = pattern(4096, 9);
    await prefill(bench, secret);
    bench.device().readProtected = true;
    const dir = tempDir();

    const up = bench.ctx();
    const readErr = await upload({ selector: { alt: 0 }, file: join(dir, 'dump.bin'), dfuse: parseDfuseAddress('0x08000000:4096'), force: false, reset: false }, up).then(
      () => assert.fail('read a protected chip'),
      (x: unknown) => x as DfuFlashError,
    );
    up.backend.dispose();
    assert.equal(readErr.code, 'STALL');
    assert.match(readErr.message, /^upload of 2048 bytes at 0x08000000: DFU_UPLOAD .*; the device then reports errVENDOR/);
    assert.match(readErr.hint!, /^read-out protection is probably active, so the memory cannot be read; lifting it with an unprotect .* makes the chip erase its whole flash/);
    assert.match(cliHint(readErr, 'linux')!, /^read-out protection is probably active, so the memory cannot be read; lifting it with -s :unprotect:force .* makes the chip erase its whole flash/);

    const dl = bench.ctx();
    const writeErr = await download({ selector: { alt: 0 }, file: writeIn(dir, 'fw.bin', pattern(1000, 1)), dfuse: parseDfuseAddress('0x08000000'), reset: false }, dl).then(
      () => assert.fail('wrote a protected chip'),
      (x: unknown) => x as DfuFlashError,
    );
    dl.backend.dispose();
    assert.equal(writeErr.code, 'DFU_STATUS');
    assert.equal(writeErr.details['status'], DfuStatus.errVENDOR);
    assert.match(cliHint(writeErr, 'linux')!, /-s :unprotect:force/);
    assert.deepEqual(bench.device().readFlash(0x08000000, 4096), secret, 'nothing was changed');

    const events: FlashEvent[] = [];
    const protectedChip = bench.device();
    const un = bench.ctx(events);
    const result = await dfuseCommand({ selector: { alt: 0 }, dfuse: parseDfuseAddress(':unprotect:force') }, un);
    un.backend.dispose();
    const w = warnedFirst(events);
    assert.equal(w.message, 'unprotect: lifting read-out protection makes the chip erase all of Internal Flash (1 MiB, 0x08000000-0x080fffff) and reset');
    assert.equal(result.outcome, 'read-out protection lifted: the chip erases its flash and resets; it came back in DFU mode as 0483:df11 on 1-1');
    bench.settle();
    const back = bench.current();
    assert.notEqual(back, protectedChip, 'a new enumeration');
    assert.equal(protectedChip.connected, false);
    assert.equal(back.readProtected, false);
    assert.deepEqual(back.readFlash(0x08000000, 4096), new Uint8Array(4096).fill(0xff), 'the secret is gone');

    const image = pattern(5000, 4);
    const dl2 = bench.ctx();
    await download({ selector: { alt: 0 }, file: writeIn(dir, 'fw2.bin', image), dfuse: parseDfuseAddress('0x08000000'), reset: false, verify: true }, dl2);
    dl2.backend.dispose();
    assert.deepEqual(bench.current().readFlash(0x08000000, image.length), image);
    assert.ok(bench.allClosed);
  });

  test('a bootloader without READ_UNPROTECT (CubeMX): UNSUPPORTED, and the flash untouched', async () => {
    const bench = new Bench(['stm32f1-cubemx']);
    const ctx = bench.ctx();
    const e = await dfuseCommand({ selector: {}, dfuse: parseDfuseAddress(':unprotect:force'), returnTimeoutMs: 0 }, ctx).then(
      () => assert.fail('succeeded'),
      (x: unknown) => x as DfuFlashError,
    );
    ctx.backend.dispose();
    assert.equal(e.code, 'UNSUPPORTED');
    assert.match(e.message, /^the device refused READ_UNPROTECT \(READ_UNPROTECT: DFU_DNLOAD .* was stalled/);
    assert.match(e.hint!, /does not implement read-out unprotect/);
    assert.deepEqual([...bench.device().eraseLog], []);
    assert.equal(bench.device().stateName, 'dfuIDLE', 'the stall was cleared');
  });
});

describe('leave without a file', () => {
  test('-s 0x08000000:leave: SET_ADDRESS and the zero-length DNLOAD, nothing erased', async () => {
    const bench = new Bench(['stm32f4-sysboot']);
    const ctx = bench.ctx();
    const result = await dfuseCommand({ selector: { alt: 0 }, dfuse: parseDfuseAddress('0x08000000:leave') }, ctx);
    ctx.backend.dispose();
    assert.equal(result.outcome, 'device left DFU mode');
    assert.deepEqual([...bench.device().eraseLog], []);
    assert.equal(bench.device().connected, false);
  });
});
