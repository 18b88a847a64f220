/**
 * quirksFor over real devices (VID:PID, bcdDevice, serial and alt strings
 * from /work/shared/research/devices.md and the dfu-util device logs), and
 * the pieces the table is built from.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_QUIRKS, type Quirks } from '../../src/dfu/quirks.js';
import { QUIRK_TABLE, applyIdentityQuirks, quirksFor } from '../../src/dfu/quirk-table.js';
import { fixUtf8Serial } from '../../src/dfu/quirk-serial.js';
import { layoutWithQuirks, planReach, realFlashWarning, resolveQuirks } from '../../src/dfu/quirk-apply.js';
import { parseMemoryLayout } from '../../src/dfu/memory-layout.js';
import { QUIRK_PROFILES } from '../../src/sim/profiles/quirk-devices.js';
import { createSimBackend } from '../../src/sim/index.js';
import { listDevices } from '../../src/ops/index.js';
import { FakeClock } from '../../src/transport/clock.js';
import type { DfuDeviceInfo, FunctionalDescriptor } from '../../src/transport/types.js';
import type { DownloadPlan } from '../../src/dfu/plan-types.js';

function functional(bcdDFUVersion: number): FunctionalDescriptor {
  return { bLength: 9, bmAttributes: 0x0b, wDetachTimeOut: 255, wTransferSize: 2048, bcdDFUVersion, canDownload: true, canUpload: true, manifestationTolerant: false, willDetach: true };
}

interface Dev {
  id: string; // 'vvvv:pppp'
  bcd?: number;
  serial?: string;
  alts?: string[];
  protocol?: number;
  bcdDFU?: number;
}

function device(d: Dev): DfuDeviceInfo {
  const [vid, pid] = d.id.split(':').map((h) => parseInt(h, 16));
  const names = d.alts ?? ['UNKNOWN'];
  return {
    key: `t:${d.id}`, vendorId: vid!, productId: pid!, bcdDevice: d.bcd ?? 0x0200, bcdUSB: 0x0200, bMaxPacketSize0: 64,
    busNumber: 1, deviceAddress: 2, portPath: '1-1', configurationValue: 1, serial: d.serial,
    alts: names.map((name, i) => ({
      interfaceNumber: 0, alternateSetting: i, interfaceProtocol: d.protocol ?? 2, iInterface: 4 + i, name,
      functional: i === names.length - 1 ? functional(d.bcdDFU ?? 0x011a) : undefined,
    })),
  };
}

const F4_ALTS = ['@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg', '@Option Bytes  /0x1FFFC000/01*016 g', '@OTP Memory /0x1FFF7800/01*512 g,01*016 g', '@Device Feature/0xFFFF0000/01*004 g'];
const H7_ALTS = ['@Internal Flash   /0x08000000/16*128Kg', '@Option Bytes   /0x5200201C/01*128 e'];
const GD32_LONGAN = ['@Internal Flash  /0x08000000/512*002Kg', '@Option Bytes  /0x1FFFF800/01*016 g'];

interface Case {
  what: string;
  dev: Dev;
  alt?: number;
  applied: string[];
  flags?: Partial<Quirks>;
}

const CASES: Case[] = [
  { what: 'Openmoko Freerunner U-Boot (row 36)', dev: { id: '1d50:5119', bcd: 0, serial: '0000000', alts: ['RAM 0x32000000', 'u-boot'], bcdDFU: 0x0100 }, applied: ['ignore-poll-timeout'], flags: { ignorePollTimeout: true, pollIntervalMs: 5 } },
  { what: 'Neo1973 on the FIC VID', dev: { id: '1457:5119', bcd: 0, bcdDFU: 0x0100 }, applied: ['ignore-poll-timeout'] },
  { what: 'first Openmoko PID 5117', dev: { id: '1d50:5117', bcdDFU: 0x0100 }, applied: ['ignore-poll-timeout'] },
  { what: 'last Openmoko PID 5126', dev: { id: '1d50:5126', bcdDFU: 0x0100 }, applied: ['ignore-poll-timeout'] },
  { what: '1d50:5127 is past the range', dev: { id: '1d50:5127', bcdDFU: 0x0100 }, applied: [] },
  { what: 'OpenPCD (row 37)', dev: { id: '16c0:076b', bcd: 0, bcdDFU: 0x0100 }, applied: ['ignore-poll-timeout'] },
  { what: 'SIMtrace (row 37)', dev: { id: '16c0:0762', bcd: 0, alts: ['SimTrace DFU Interface - Application Partition'], bcdDFU: 0x0100 }, applied: ['ignore-poll-timeout'] },
  { what: 'OpenPICC (fwupd)', dev: { id: '16c0:076c', bcdDFU: 0x0100 }, applied: ['ignore-poll-timeout'] },
  { what: 'Siemens PXM40, bcdDevice 0', dev: { id: '0908:02c4', bcd: 0x0000, bcdDFU: 0x0100 }, applied: ['ignore-poll-timeout'] },
  { what: 'Siemens PXM50, bcdDevice 0', dev: { id: '0908:02c5', bcd: 0x0000, bcdDFU: 0x0100 }, applied: ['ignore-poll-timeout'] },
  { what: 'Siemens PXM40, later bcdDevice', dev: { id: '0908:02c4', bcd: 0x0100, bcdDFU: 0x0100 }, applied: [] },
  { what: 'M-Audio Transit', dev: { id: '0763:2806', bcdDFU: 0x0100 }, applied: ['ignore-poll-timeout'] },
  { what: 'Maple rev 0x0200 (row 28)', dev: { id: '1eaf:0003', bcd: 0x0200, serial: 'LLM 003', alts: ['DFU Program RAM 0x20000C00', 'DFU Program FLASH 0x08005000'] }, applied: ['maple-force-dfu-1.1'], flags: { forceDfuVersion: 0x0110 } },
  { what: 'STM32duino bootloader, bcdDevice 0x0201 (row 28)', dev: { id: '1eaf:0003', bcd: 0x0201, serial: 'LLM 003', bcdDFU: 0x0110, alts: ['STM32duino bootloader v1.0  Upload to Flash 0x8005000'] }, applied: [] },
  {
    what: 'GD32VF103 Longan Nano, alt 0 (row 24)', dev: { id: '28e9:0189', bcd: 0x1000, serial: '3CBJ', alts: GD32_LONGAN },
    applied: ['gd32-utf8-serial', 'gd32vf103-layout', 'gd32-leave'],
    flags: { utf8Serial: true, leaveIgnoresStatus: true, layoutOverride: '@Internal Flash  /0x08000000/128*001Kg', realFlash: { bytes: 131072, part: 'GD32VF103CB' } },
  },
  { what: 'GD32VF103 Longan Nano, alt 1 (option bytes)', dev: { id: '28e9:0189', bcd: 0x1000, serial: '3CBJ', alts: GD32_LONGAN }, alt: 1, applied: ['gd32-utf8-serial', 'gd32-leave'], flags: { layoutOverride: null } },
  { what: 'GD32VF103 serial as read (UTF-8 bytes decoded as UTF-16LE)', dev: { id: '28e9:0189', bcd: 0x1000, serial: '\u4333\u4a42', alts: GD32_LONGAN }, applied: ['gd32-utf8-serial', 'gd32vf103-layout', 'gd32-leave'] },
  { what: 'GD32VF103C8 (64 KiB, gd32-dfu-utils#3)', dev: { id: '28e9:0189', bcd: 0x0100, serial: '3C8J', alts: GD32_LONGAN }, applied: ['gd32-utf8-serial', 'gd32vf103-layout', 'gd32-leave'], flags: { layoutOverride: '@Internal Flash  /0x08000000/064*001Kg', realFlash: { bytes: 65536, part: 'GD32VF103C8' } } },
  { what: 'GD32VF103 with a 6 (32 KiB)', dev: { id: '28e9:0189', serial: '3T6J', alts: GD32_LONGAN }, applied: ['gd32-utf8-serial', 'gd32vf103-layout', 'gd32-leave'], flags: { layoutOverride: '@Internal Flash  /0x08000000/032*001Kg' } },
  { what: 'GD32VF103 with a 4 (16 KiB)', dev: { id: '28e9:0189', serial: '3T4J', alts: GD32_LONGAN }, applied: ['gd32-utf8-serial', 'gd32vf103-layout', 'gd32-leave'], flags: { layoutOverride: '@Internal Flash  /0x08000000/016*001Kg' } },
  { what: 'GD32 with an unknown size code', dev: { id: '28e9:0189', serial: '3CZJ', alts: GD32_LONGAN }, applied: ['gd32-utf8-serial', 'gd32-leave'], flags: { layoutOverride: null } },
  { what: 'Pinecil GD32 with serial "??" (row pineflash#45)', dev: { id: '28e9:0189', serial: '??', alts: ['@Internal Flash  /0x08000000/128*001Kg', '@Option Bytes  /0x1FFFF800/01*016Be'] }, applied: ['gd32-utf8-serial', 'gd32-leave'] },
  { what: 'STM32F4DISCOVERY ROM (row 4)', dev: { id: '0483:df11', bcd: 0x2100, serial: '315A28A0B956', alts: F4_ALTS }, applied: ['stm32f4-mass-erase'], flags: { massEraseMinMs: 35_000 } },
  { what: 'STM32F411 BlackPill ROM (row 5)', dev: { id: '0483:df11', bcd: 0x2200, serial: '3377337E3539', alts: ['@Internal Flash  /0x08000000/04*016Kg,01*064Kg,03*128Kg', '@Option Bytes  /0x1FFFC000/01*016 e'] }, applied: ['stm32f4-mass-erase'] },
  { what: 'STM32F4 option-bytes alt is not flash', dev: { id: '0483:df11', alts: F4_ALTS }, alt: 1, applied: [] },
  { what: 'STM32F107 ROM (row 1)', dev: { id: '0483:df11', bcd: 0x2000, serial: 'STM32', alts: ['@Internal Flash  /0x08000000/128*002Kg', '@Option Bytes  /0x1FFFF800/01*016 g'] }, applied: [] },
  { what: 'STM32F76x ROM (row 9)', dev: { id: '0483:df11', alts: ['@Internal Flash /0x08000000/04*032Kg,01*128Kg,07*256Kg'] }, applied: [] },
  { what: 'STM32L433 ROM (row 12)', dev: { id: '0483:df11', bcd: 0x2200, serial: '207E32823141', alts: ['@Internal Flash  /0x08000000/0128*0002Kg', '@Option Bytes  /0x1FFF7800/01*040 e', '@OTP Memory /0x1FFF7000/01*0001Ke', '@Device Feature/0xFFFF0000/01*004 e'] }, applied: ['stm32l4-erase-stall'], flags: { busyStallTolerance: 3 } },
  { what: 'STM32L4R9 ROM (row 14)', dev: { id: '0483:df11', bcd: 0x2200, serial: '204A325D574D', alts: ['@Internal Flash  /0x08000000/512*0004Kg', '@Option Bytes  /0x1FF00000/01*040 e/0x1FF01000/01*040 e', '@OTP Memory /0x1FFF7000/01*0001Ke'] }, applied: ['stm32l4-erase-stall'] },
  { what: 'Black Magic Probe bootloader (row 27)', dev: { id: '1d50:6017', bcd: 0x0100, serial: 'C2C89BDB', alts: ['@Internal Flash   /0x08000000/8*001Ka,120*001Kg'] }, applied: ['blackmagic-zero-poll'], flags: { maxZeroPolls: 100, minPollIntervalMs: 5 } },
  { what: 'Black Magic Probe at runtime (1d50:6018)', dev: { id: '1d50:6018', bcd: 0x0100, serial: 'C2C89BDB', alts: ['Black Magic Firmware Upgrade (STLINK)'], protocol: 1 }, applied: [] },
  { what: 'STM32H750 Daisy Seed ROM (row 20)', dev: { id: '0483:df11', bcd: 0x0200, serial: '200364500000', alts: H7_ALTS }, applied: ['stm32h7-stuck-erase', 'stm32h750-flash-size'], flags: { stuckBusyRecovery: true, stuckBusyMs: 6000, realFlash: { bytes: 131072, part: 'STM32H750' } } },
  { what: 'STM32H7 ROM, other revision (row 21)', dev: { id: '0483:df11', bcd: 0x2200, serial: '200364500000', alts: ['@Internal Flash /0x08000000/16*128Kg', '@Option Bytes /0x5200201C/01*128 e'] }, applied: ['stm32h7-stuck-erase', 'stm32h750-flash-size'] },
  { what: 'Daisy bootloader on the H750 (row 22)', dev: { id: '0483:df11', bcd: 0x0200, serial: '395B377C3330', alts: ['@Flash /0x90000000/64*4Kg/0x90040000/60*64Kg/0x90400000/60*64Kg'] }, applied: [] },
  { what: 'STM32C5 ROM (8 KiB pages, no option bytes)', dev: { id: '0483:df11', alts: ['@Internal Flash   /0x08000000/64*008Kg'] }, applied: ['stm32c5-strict-clrstatus'], flags: { stuckBusyRecovery: false } },
  { what: 'DSO Nano, protocol 0 (row 31)', dev: { id: '0483:df11', bcd: 0x011a, serial: '001', protocol: 0, alts: ['@Internal Flash  /0x08000000/12*001Ka,116*001Kg', '@SPI Flash : M25P64/0x00000000/64*064Kg,64*064Kg'] }, applied: ['dfuse-protocol-0-is-dfu-mode'] },
  { what: 'OPC-20, bcdDFUVersion 0x1A01 (row 32)', dev: { id: '0483:df11', bcd: 0x0200, bcdDFU: 0x1a01, alts: ['@Internal Flash  /0x08000000/12*001Ka,116*001Kg', '@SPI Flash : M25P64/0x00000000/128*64Kg'] }, applied: ['dfuse-version-byte-swapped'] },
  { what: 'ST VID, @ layout, DFU 1.1 descriptor', dev: { id: '0483:df11', bcdDFU: 0x0110, alts: ['@Internal Flash  /0x08000000/128*002Kg'] }, applied: ['dfuse-by-layout-name'] },
  { what: 'STM32MP1 U-Boot (row 40): bare names, not DfuSe', dev: { id: '0483:df11', bcd: 0x9999, bcdDFU: 0x0110, alts: ['mmc1_boot2', 'mmc1_fip'] }, applied: [] },
  { what: 'Spark Core (1d50:607f)', dev: { id: '1d50:607f', bcd: 0x0200, alts: ['@Internal Flash  /0x08000000/20*001Ka,108*001Kg', '@SPI Flash : SST25x/0x00000000/512*04Kg'] }, applied: [] },
  { what: 'dapboot (1209:db42)', dev: { id: '1209:db42', bcd: 0x0111, bcdDFU: 0x0110, alts: ['DAPBoot DFU'] }, applied: [] },
  { what: 'pid.codes test PID (simulated DfuSe without block addressing)', dev: { id: '1209:0001', alts: ['@Internal Flash  /0x08000000/08*001Ka,56*001Kg'] }, applied: ['dfuse-no-block-addressing'], flags: { blockAddressing: false } },
];

describe('quirksFor over real devices', () => {
  for (const c of CASES) {
    test(c.what, () => {
      const dev = device(c.dev);
      const { quirks, applied } = quirksFor(dev, dev.alts[c.alt ?? 0]!);
      assert.deepEqual(applied, c.applied);
      for (const [k, v] of Object.entries(c.flags ?? {})) assert.deepEqual(quirks[k as keyof Quirks], v, k);
      if (c.applied.length === 0) assert.deepEqual(quirks, { ...DEFAULT_QUIRKS });
    });
  }
});

describe('the table', () => {
  test('entries have unique names, a summary and a source', () => {
    const names = QUIRK_TABLE.map((e) => e.name);
    assert.equal(new Set(names).size, names.length);
    for (const e of QUIRK_TABLE) {
      assert.ok(e.summary.length > 10 && e.source.length > 10, e.name);
      assert.ok(e.match.length > 0, e.name);
    }
  });

  test('every entry applies to at least one simulated device (and so has a test that runs it)', async () => {
    const clock = new FakeClock();
    const listed = await listDevices({ backend: createSimBackend(QUIRK_PROFILES.map((p) => p.name), { clock }), clock, emit: () => undefined });
    const seen = new Set(listed.flatMap((d) => d.quirks ?? []));
    assert.deepEqual(QUIRK_TABLE.map((e) => e.name).filter((n) => !seen.has(n)), []);
    for (const rule of ['dfuse-protocol-0-is-dfu-mode', 'dfuse-version-byte-swapped']) assert.ok(seen.has(rule), rule);
  });

  test('DEFAULT_QUIRKS are those of a device no entry matches', () => {
    const dev = device({ id: 'cafe:4000', bcdDFU: 0x0110, alts: ['partition'] });
    assert.deepEqual(quirksFor(dev, dev.alts[0]!), { quirks: { ...DEFAULT_QUIRKS }, applied: [] });
  });
});

describe('pieces', () => {
  test('UTF-8 serials read as UTF-16LE are decoded; already decoded ones are left alone', () => {
    const table: [string, string][] = [
      ['\u4333\u4a42', '3CBJ'],
      ['\u4333\u4a38', '3C8J'],
      ['\u3f3f', '??'],
      ['\u4333\u0042', '3CB'], // odd length: the pad byte is dropped
      ['3CBJ', '3CBJ'],
      ['315A28A0B956', '315A28A0B956'],
      ['LLM 003', 'LLM 003'],
      ['', ''],
    ];
    for (const [raw, want] of table) assert.equal(fixUtf8Serial(raw), want, JSON.stringify(raw));
  });

  test('applyIdentityQuirks fixes only devices with the quirk, and honours utf8Serial: false', () => {
    const gd = device({ id: '28e9:0189', serial: '\u4333\u4a42', alts: GD32_LONGAN });
    assert.equal(applyIdentityQuirks(gd).serial, '3CBJ');
    assert.equal(applyIdentityQuirks(gd, { utf8Serial: false }).serial, '\u4333\u4a42');
    const other = device({ id: '0483:df11', serial: '\u4333\u4a42', alts: F4_ALTS });
    assert.equal(applyIdentityQuirks(other), other);
    assert.equal(applyIdentityQuirks(other, { utf8Serial: true }).serial, '3CBJ');
  });

  test('resolveQuirks puts forced flags on top and names them', () => {
    const dev = device({ id: '1d50:6017', alts: ['@Internal Flash   /0x08000000/8*001Ka,120*001Kg'] });
    const r = resolveQuirks(dev, dev.alts[0]!, { maxZeroPolls: 7, blockAddressing: undefined });
    assert.equal(r.quirks.maxZeroPolls, 7);
    assert.equal(r.quirks.minPollIntervalMs, 5);
    assert.equal(r.quirks.blockAddressing, true, 'an undefined forced flag changes nothing');
    assert.deepEqual(r.applied, ['blackmagic-zero-poll', 'forced: maxZeroPolls']);
  });

  test('a layout override equal to the device\'s layout is no change and no warning (bare GD32VF103, 128*001Kg)', () => {
    const claimed = parseMemoryLayout('@Internal Flash  /0x08000000/128*001Kg');
    const said: string[] = [];
    const out = layoutWithQuirks(claimed, { ...DEFAULT_QUIRKS, layoutOverride: '@Internal Flash  /0x08000000/128*001Kg' }, (m) => said.push(m));
    assert.equal(out, claimed);
    assert.deepEqual(said, []);
  });

  test('realFlashWarning only when the operation reaches past the real size', () => {
    const layout = parseMemoryLayout(H7_ALTS[0]!);
    const q = { ...DEFAULT_QUIRKS, realFlash: { bytes: 128 * 1024, part: 'STM32H750' } };
    assert.equal(realFlashWarning(layout, q, 0x08020000), undefined);
    assert.match(realFlashWarning(layout, q, 0x08020001)!.message, /reaches 0x08020000, and on an STM32H750 everything above 0x0801ffff fails/);
    assert.equal(realFlashWarning(layout, DEFAULT_QUIRKS, 0x08200000), undefined);
  });

  test('planReach is the end of the highest erase or write', () => {
    const plan = {
      erase: [{ address: 0x08000000, size: 0x20000 }, { address: 0x08020000, size: 0x20000 }],
      writes: [{ address: 0x08000000, data: new Uint8Array(0x30000), blocks: 96 }],
    } as unknown as DownloadPlan;
    assert.equal(planReach(plan), 0x08040000);
  });
});
