/**
 * Which dialect and mode a device really speaks: Maple's wrong bcdDFUVersion
 * (quirk maple-force-dfu-1.1), the DSO Nano's protocol 0 and the OPC-20's
 * byte-swapped bcdDFUVersion (descriptor rules in device-mode.ts).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { chooseTarget, listDevices } from '../../src/ops/index.js';
import { isDfuseDescriptor, isDfuseInterface, interfaceMode } from '../../src/dfu/device-mode.js';
import { MAPLE_APP_START } from '../../src/sim/profiles/maple.js';
import { dfuRequests, flash, pattern, readBack, rejectsWith, rig, without } from './helpers.js';

describe('maple-force-dfu-1.1 (Maple rev 0x0200 claims bcdDFUVersion 0x011A)', () => {
  test('with the quirk: plain DFU to alt 1, the image lands at 0x08005000, the device is reset after manifestation', async () => {
    const r = rig(['maple']);
    const image = pattern(5 * 1024 + 3, 2);
    const result = await flash(r, image, undefined, { selector: { alt: 1 } });
    assert.deepEqual(r.device().readFlash(MAPLE_APP_START, image.length), image);
    assert.equal(result.outcome, 'device manifested and was reset');
    const blocks = dfuRequests(r.device().transcript).filter((e) => e.request === 'DFU_DNLOAD').map((e) => e.setup.wValue);
    assert.deepEqual(blocks, [0, 1, 2, 3, 4, 5, 6], 'DFU 1.1 block numbers from 0, then the zero-length block');
    const listed = await listDevices(r.ctx);
    assert.equal(listed.length, 0, 'reset into its application: gone from the bus');
  });

  test('without it: treated as DfuSe, the download is refused for want of a DfuSe layout, before any transfer', async () => {
    const r = rig(['maple']);
    const e1 = await rejectsWith(flash(r, pattern(64), undefined, { selector: { alt: 1 }, ...without({ forceDfuVersion: null }) }), 'LAYOUT');
    assert.match(e1.message, /alt setting 1 has no DfuSe memory layout/);
    const e2 = await rejectsWith(flash(r, pattern(64), '0x08005000', { selector: { alt: 1 }, ...without({ forceDfuVersion: null }) }), 'LAYOUT');
    assert.match(e2.message, /alt setting 1 has no DfuSe memory layout \(its name is "DFU Program FLASH 0x08005000"\)/);
    assert.deepEqual(dfuRequests(r.device().transcript), []);
  });

  test('list says plain DFU with the quirk, and names it', async () => {
    const r = rig(['maple']);
    const [d] = await listDevices(r.ctx);
    assert.equal(d!.dfuse, false);
    assert.deepEqual(d!.quirks, ['maple-force-dfu-1.1']);
    assert.equal(d!.serial, 'LLM 003');
  });
});

describe('DfuSe with bInterfaceProtocol 0 in DFU mode (DSO Nano)', () => {
  test('listed as a DFU-mode DfuSe device; download and upload work on both alt settings', async () => {
    const r = rig(['dso-nano']);
    const [d] = await listDevices(r.ctx);
    assert.deepEqual([d!.mode, d!.dfuse, d!.alts.map((a) => a.interfaceProtocol)], ['dfu', true, [0, 0]]);
    assert.deepEqual(d!.quirks, ['dfuse-protocol-0-is-dfu-mode']);
    const image = pattern(3000, 31);
    await flash(r, image, '0x08003000', { selector: { alt: 0 } });
    assert.deepEqual(r.device().readFlash(0x08003000, image.length), image);
    const spi = pattern(70 * 1024, 32);
    await flash(r, spi, '0x00000000', { selector: { alt: 'SPI Flash : M25P64' } });
    assert.deepEqual([...r.device().eraseLog].slice(-2), [0x00000000, 0x00010000]);
    const { bytes } = await readBack(r, '0x00000000:71680', { selector: { alt: 1 } });
    assert.deepEqual(bytes, spi);
  });

  test('the rule keys on DfuSe: the same descriptors without DfuSe evidence are a runtime interface', async () => {
    const r = rig(['dso-nano']);
    const [d] = await r.backend.list();
    assert.equal(chooseTarget([d!], {}, 'dfu').mode, 'dfu');
    const plain = {
      ...d!,
      vendorId: 0x1234,
      alts: d!.alts.map((a) => ({ ...a, functional: a.functional && { ...a.functional, bcdDFUVersion: 0x0110 } })),
    };
    assert.ok(plain.alts.every((a) => interfaceMode(plain, a) === 'runtime'));
    await assert.rejects(async () => chooseTarget([plain], {}, 'dfu'), /runtime mode/);
  });
});

describe('byte-swapped bcdDFUVersion 0x1A01 (OPC-20)', () => {
  test('listed and driven as DfuSe; download and upload land where -s says', async () => {
    const r = rig(['opc20']);
    const [d] = await listDevices(r.ctx);
    assert.equal(d!.dfuse, true);
    assert.deepEqual(d!.quirks, ['dfuse-version-byte-swapped']);
    const image = pattern(5000, 41);
    await flash(r, image, '0x08004000');
    assert.deepEqual(r.device().readFlash(0x08004000, image.length), image);
    const { bytes } = await readBack(r, '0x08004000:5000');
    assert.deepEqual(bytes, image);
  });

  test('each rule alone is enough: 0x1A01 on any VID, an @ layout name on ST\'s VID', async () => {
    const r = rig(['opc20']);
    const [d] = await r.backend.list();
    const alt = d!.alts[0]!;
    const f = d!.alts[1]!.functional!;
    assert.equal(f.bcdDFUVersion, 0x1a01);
    assert.ok(isDfuseDescriptor(f));
    assert.ok(isDfuseInterface({ ...d!, vendorId: 0x1234 }, alt, f), 'byte-swapped version, not ST');
    assert.ok(isDfuseInterface(d!, alt, { ...f, bcdDFUVersion: 0x0110 }), 'ST VID and an @ layout name');
    assert.ok(!isDfuseInterface({ ...d!, vendorId: 0x1234 }, alt, { ...f, bcdDFUVersion: 0x0110 }), 'neither: plain DFU');
  });

  test('without DfuSe detection the -s download is refused as "plain DFU" (what a strict 0x011A check does)', async () => {
    const r = rig(['blackmagic']); // a non-ST DfuSe device: only its descriptor says DfuSe
    const e = await rejectsWith(flash(r, pattern(64), '0x08002000', without({ forceDfuVersion: 0x0110 })), 'USAGE');
    assert.match(e.message, /a DfuSe address or modifier was given, but this device speaks plain DFU 1\.1/);
  });
});
