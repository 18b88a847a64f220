import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMemoryLayout } from '../../../src/dfu/memory-layout.js';
import { describePlan, planDfuDownload, planDfuseDownload } from '../../../src/dfu/planner.js';
import type { FirmwareImage } from '../../../src/formats/image.js';

const F4 = parseMemoryLayout('@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg');
const CUBEMX = parseMemoryLayout('@Internal Flash   /0x08000000/02*016Ka,02*016Kg,01*064Kg,03*128Kg');

const image = (...segments: Array<[number, number]>): FirmwareImage => ({
  format: 'ihex',
  addressed: true,
  segments: segments.map(([address, n]) => ({ address, data: new Uint8Array(n) })),
});

describe('describePlan', () => {
  test('F4, 100 KiB, leave without an address', () => {
    const plan = planDfuseDownload(image([0x08000000, 100 * 1024]), F4, { transferSize: 2048, leave: true });
    assert.deepEqual(describePlan(plan, F4), [
      'DfuSe download, transfer size 2048 bytes',
      'erase 0x08000000, 16 KiB (Internal Flash sector 0)',
      'erase 0x08004000, 16 KiB (Internal Flash sector 1)',
      'erase 0x08008000, 16 KiB (Internal Flash sector 2)',
      'erase 0x0800c000, 16 KiB (Internal Flash sector 3)',
      'erase 0x08010000, 64 KiB (Internal Flash sector 4; the image fills 36864 bytes of it)',
      'write 0x08000000, 102400 bytes in 50 blocks',
      'leave: zero-length download, the device starts its application',
      'total: erase 131072 bytes in 5 sectors, write 102400 bytes in 50 blocks',
    ]);
  });

  test('CubeMX, two runs, leave with a jump address; sector numbers count the read-only sectors', () => {
    const plan = planDfuseDownload(image([0x08008000, 16 * 1024], [0x08020100, 10]), CUBEMX, {
      transferSize: 1024,
      leave: true,
      leaveAddress: 0x08008000,
    });
    assert.deepEqual(describePlan(plan, CUBEMX), [
      'DfuSe download, transfer size 1024 bytes',
      'erase 0x08008000, 16 KiB (Internal Flash sector 2)',
      'erase 0x08020000, 128 KiB (Internal Flash sector 5; the image fills 10 bytes of it)',
      'write 0x08008000, 16384 bytes in 16 blocks',
      'write 0x08020100, 10 bytes in 1 block',
      'leave: set address 0x08008000, then zero-length download (the device jumps there)',
      'total: erase 147456 bytes in 2 sectors, write 16394 bytes in 17 blocks',
    ]);
  });

  test('without a layout: no sector names', () => {
    const plan = planDfuseDownload(image([0x08000000, 16 * 1024]), F4, { transferSize: 2048 });
    assert.deepEqual(describePlan(plan), [
      'DfuSe download, transfer size 2048 bytes',
      'erase 0x08000000, 16 KiB',
      'write 0x08000000, 16384 bytes in 8 blocks',
      'stay in DFU mode (no leave)',
      'total: erase 16384 bytes in 1 sector, write 16384 bytes in 8 blocks',
    ]);
  });

  test('mass erase and will-reset', () => {
    const plan = planDfuseDownload(image([0x08000000, 2048]), F4, { transferSize: 2048, massErase: true, willReset: true });
    assert.deepEqual(describePlan(plan, F4), [
      'DfuSe download, transfer size 2048 bytes',
      'mass erase: the whole flash (no page erases)',
      'write 0x08000000, 2048 bytes in 1 block',
      'will-reset: the device resets itself after the last write (no final abort)',
      'stay in DFU mode (no leave)',
      'total: mass erase, write 2048 bytes in 1 block',
    ]);
  });

  test('plain DFU', () => {
    assert.deepEqual(describePlan(planDfuDownload(new Uint8Array(5000), { transferSize: 1024 })), [
      'DFU 1.1 download, transfer size 1024 bytes',
      'write 5000 bytes in 5 blocks (the device chooses the address)',
      'manifest: zero-length download, then wait for the device to apply the firmware',
      'total: write 5000 bytes in 5 blocks',
    ]);
  });
});
