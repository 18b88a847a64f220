/**
 * Which devices misbehave, and how dfu-flash copes: one named entry per
 * quirk, matched on VID:PID (and bcdDevice, the alt setting, the serial…),
 * with its effect as Quirks flags. The facts come from dfu-util 0.11
 * (src/quirks.c, src/dfuse.c), fwupd (plugins/dfu/dfu.quirk) and bug
 * threads; see /work/shared/research/anchors.md §3.5 and §4 and devices.md.
 *
 * Entries apply in table order; a later entry's flags win over an earlier one's.
 * Descriptor rules that decide a device's mode or dialect (DSO Nano's protocol 0,
 * OPC-20's byte-swapped bcdDFUVersion) live in device-mode.ts; their names are
 * reported next to the entries' names.
 */
import { DEFAULT_QUIRKS, type Quirks } from './quirks.js';
import { descriptorRules } from './device-mode.js';
import { isDfuseLayout, parseMemoryLayout } from './memory-layout.js';
import { fixUtf8Serial } from './quirk-serial.js';
import { gd32vf103Layout } from './quirk-gd32.js';
import type { MemoryLayout } from './plan-types.js';
import type { DfuAltSetting, DfuDeviceInfo } from '../transport/types.js';

/** What a predicate sees: the device (serial already decoded as the quirks say) and one alt setting. */
export interface QuirkSubject {
  device: DfuDeviceInfo;
  alt: DfuAltSetting;
}

export interface QuirkMatch {
  vendorId: number | readonly number[];
  /** One PID, a list, or an inclusive range. */
  productId: number | readonly number[] | { from: number; to: number };
  bcdDevice?: number;
  /** A further condition on the device, the alt setting's name or the serial. */
  when?: (s: QuirkSubject) => boolean;
}

export interface QuirkEntry {
  name: string;
  /** What the device does wrong, in one line. */
  summary: string;
  /** Where the fact comes from (dfu-util/fwupd file, issue thread). */
  source: string;
  match: readonly QuirkMatch[];
  effect: Partial<Quirks> | ((s: QuirkSubject) => Partial<Quirks>);
}

const ST = 0x0483;
const ST_DFU = 0xdf11;

/** The alt's parsed DfuSe layout, or undefined when its name is not one. */
export function altLayout(alt: DfuAltSetting): MemoryLayout | undefined {
  if (alt.name === undefined || !isDfuseLayout(alt.name)) return undefined;
  try {
    return parseMemoryLayout(alt.name);
  } catch {
    return undefined;
  }
}

/** The layout's first region starts at 0x08000000 with `count` sectors of `pageSize` (any count when omitted). */
function flashAt0800(alt: DfuAltSetting, pageSize: number, counts?: readonly number[]): boolean {
  const first = altLayout(alt)?.segments[0];
  return first !== undefined && first.start === 0x08000000 && first.pageSize === pageSize && (counts === undefined || counts.includes(first.count));
}

/** The device has an "@Option Bytes" alt setting at one of these addresses. */
function optionBytesAt(device: DfuDeviceInfo, addresses: readonly number[]): boolean {
  return device.alts.some((a) => {
    const l = altLayout(a);
    return l !== undefined && /^option bytes$/i.test(l.name) && addresses.includes(l.segments[0]?.start ?? -1);
  });
}

export const QUIRK_TABLE: readonly QuirkEntry[] = [
  {
    // dfu-util src/quirks.c QUIRK_POLLTIMEOUT (Openmoko/FIC 5117–5126, VOTI OpenPCD and SIMtrace, Siemens PXM40/PXM50
    // with bcdDevice 0, M-Audio Transit): poll every 5 ms; fwupd plugins/dfu/dfu.quirk `ignore-polltimeout` adds
    // OpenPICC 16c0:076c. devices.md rows 36, 37.
    name: 'ignore-poll-timeout',
    summary: 'reports bogus bwPollTimeout values: poll every 5 ms instead',
    source: 'dfu-util src/quirks.c (QUIRK_POLLTIMEOUT); fwupd plugins/dfu/dfu.quirk (ignore-polltimeout)',
    match: [
      { vendorId: [0x1d50, 0x1457], productId: { from: 0x5117, to: 0x5126 } },
      { vendorId: 0x16c0, productId: [0x076b, 0x0762, 0x076c] },
      { vendorId: 0x0908, productId: [0x02c4, 0x02c5], bcdDevice: 0x0000 },
      { vendorId: 0x0763, productId: 0x2806 },
    ],
    effect: { ignorePollTimeout: true, pollIntervalMs: 5 },
  },
  {
    // dfu-util src/quirks.c QUIRK_FORCE_DFU11 (LeafLabs Maple 1eaf:0003, bcdDevice 0x0200); fwupd DfuForceVersion = 0x0110.
    // devices.md row 28: the bootloader speaks plain DFU; its alt number picks the flash address.
    name: 'maple-force-dfu-1.1',
    summary: 'reports a wrong bcdDFUVersion: treated as DFU 1.1 (0x0110)',
    source: 'dfu-util src/quirks.c (QUIRK_FORCE_DFU11); fwupd plugins/dfu/dfu.quirk (DfuForceVersion = 0x0110)',
    match: [{ vendorId: 0x1eaf, productId: 0x0003, bcdDevice: 0x0200 }],
    effect: { forceDfuVersion: 0x0110 },
  },
  {
    // dfu-util 0.11 src/quirks.c QUIRK_UTF8_SERIAL for GigaDevice 28e9:0189; fwupd: the serial descriptor is raw UTF-8.
    name: 'gd32-utf8-serial',
    summary: 'serial string descriptor holds UTF-8 bytes, not UTF-16LE',
    source: 'dfu-util 0.11 src/quirks.c (QUIRK_UTF8_SERIAL); fwupd plugins/dfu/fu-dfu-target.c',
    match: [{ vendorId: 0x28e9, productId: 0x0189 }],
    effect: { utf8Serial: true },
  },
  {
    // dfu-util 0.11 src/quirks.c fixup_dfuse_layout (QUIRK_DFUSE_LAYOUT): alt 0, serial "3?xJ", 1 KiB pages, count from
    // serial[2]: B = 128, 8 = 64, 6 = 32, 4 = 16. riscv-mcu/gd32-dfu-utils#5: the Longan Nano (ver=1000) claims 512*002Kg.
    name: 'gd32vf103-layout',
    summary: 'layout claims 512 × 2 KiB pages; the part code in the serial gives the real 1 KiB page count',
    source: 'dfu-util 0.11 src/quirks.c (fixup_dfuse_layout); https://github.com/riscv-mcu/gd32-dfu-utils/issues/5',
    match: [{ vendorId: 0x28e9, productId: 0x0189, when: (s) => s.alt.alternateSetting === 0 && gd32vf103Layout(s.device, s.alt) !== undefined }],
    effect: (s) => {
      const fix = gd32vf103Layout(s.device, s.alt)!;
      return { layoutOverride: fix.layout, realFlash: { bytes: fix.bytes, part: fix.part } };
    },
  },
  {
    // dfu-util 0.11 src/quirks.c QUIRK_DFUSE_LEAVE: the GD32 "leaves" without a proper DFU_GETSTATUS answer; errors of the
    // leave request are ignored. Without it: "Error during download get_status" (gd32-dfu-utils#4, PR #6) or
    // StatusError(ErrUnknown) (dfu-rs/cargo-dfu#7) after a successful flash.
    name: 'gd32-leave',
    summary: 'answers the GETSTATUS after leave with an error while it jumps to the application',
    source: 'dfu-util 0.11 src/quirks.c (QUIRK_DFUSE_LEAVE); https://github.com/riscv-mcu/gd32-dfu-utils/pull/6; https://github.com/dfu-rs/cargo-dfu/issues/7',
    match: [{ vendorId: 0x28e9, productId: 0x0189 }],
    effect: { leaveIgnoresStatus: true },
  },
  {
    // dfu-util src/dfuse.c: the STM32F405 ROM reports bwPollTimeout 100 ms for MASS_ERASE but takes up to 32 s;
    // dfu-util waits 35 s. Matched on the F2/F4 sector map (04*016Kg first) of ST's ROM.
    name: 'stm32f4-mass-erase',
    summary: 'mass erase reports 100 ms but takes up to 32 s: wait at least 35 s',
    source: 'dfu-util src/dfuse.c (dfuse_special_command, MASS_ERASE)',
    match: [{ vendorId: ST, productId: ST_DFU, when: (s) => flashAt0800(s.alt, 16 * 1024, [4]) }],
    effect: { massEraseMinMs: 35_000 },
  },
  {
    // dfu-util src/dfuse.c: the STM32L4 ROM under-reports its page-erase poll timeout and STALLs GETSTATUS until the
    // erase is done; up to 3 stalls are tolerated, waiting the last poll timeout again. Matched on the L4/L4+ option-byte
    // addresses (devices.md rows 12, 14); G0/G4 ROMs share 0x1FFF7800 and get the same harmless tolerance.
    name: 'stm32l4-erase-stall',
    summary: 'stalls GETSTATUS while a page erase runs: tolerate up to 3 stalls',
    source: 'dfu-util src/dfuse.c (dfuse_special_command, stalls)',
    match: [{ vendorId: ST, productId: ST_DFU, when: (s) => optionBytesAt(s.device, [0x1fff7800, 0x1ff00000]) }],
    effect: { busyStallTolerance: 3 },
  },
  {
    // dfu-util src/dfuse.c: the Black Magic Probe bootloader answers GETSTATUS with dfuDNBUSY and bwPollTimeout 0 while it
    // works; after 100 such answers in a row dfu-util gives up ("Device stuck after special command request").
    // devices.md row 27 (1d50:6017, 1 KiB pages).
    name: 'blackmagic-zero-poll',
    summary: 'reports bwPollTimeout 0 while busy: poll at least every 5 ms, stuck after 100 zero polls',
    source: 'dfu-util src/dfuse.c (zero poll timeouts); device-logs blackmagic.log',
    match: [{ vendorId: 0x1d50, productId: 0x6017 }],
    effect: { maxZeroPolls: 100, minPollIntervalMs: 5 },
  },
  {
    // betaflight-configurator PR #1861 (H743 Rev.V, erase beyond 1 MB) and PR #5348 (first page of bank 2): the ROM stays
    // dfuDNBUSY past its own poll timeout; STM32CubeProgrammer sends CLRSTATUS (→ errUNKNOWN/dfuERROR) and CLRSTATUS
    // again (→ OK/dfuIDLE). A 128 KiB sector erase takes at most 4 s (DS12110), so still busy after 6 s means wedged.
    name: 'stm32h7-stuck-erase',
    summary: 'a page erase can stay dfuDNBUSY forever: CLRSTATUS twice, then erase once more',
    source: 'https://github.com/betaflight/betaflight-configurator/pull/1861; https://github.com/betaflight/betaflight-configurator/pull/5348',
    match: [{ vendorId: ST, productId: ST_DFU, when: (s) => flashAt0800(s.alt, 128 * 1024, [8, 16]) }],
    effect: { stuckBusyRecovery: true, stuckBusyMs: 6000 },
  },
  {
    // betaflight-configurator PR #5300 / #5348: the STM32C5 ROM STALLs CLRSTATUS outside dfuERROR (as the spec says), so
    // the H7 handling (a 6 s erase deadline, the CLRSTATUS pair first, the erase sent again) must not be applied to it.
    // Outside that, CLRSTATUS goes out only in dfuERROR, or as a step of the stuck-device recovery (unstick.ts), which
    // expects this stall: the stalled request leaves the ROM in dfuERROR, where CLRSTATUS is legal. This entry pins the
    // H7 handling off for the 8 KiB-page ROM generation (C5; the H5 shares the page size). Layout facts: estimate.
    name: 'stm32c5-strict-clrstatus',
    summary: 'stalls CLRSTATUS outside dfuERROR: no H7 wedge handling (a stuck-device recovery expects the stall)',
    source: 'https://github.com/betaflight/betaflight-configurator/pull/5300; https://github.com/betaflight/betaflight-configurator/pull/5348',
    match: [{ vendorId: ST, productId: ST_DFU, when: (s) => flashAt0800(s.alt, 8 * 1024) }],
    effect: { stuckBusyRecovery: false, stuckBusyMs: 0 },
  },
  {
    // devices.md row 20: the STM32H750 ROM reports the H743 layout (16 × 128 KiB = 2 MiB); the part has 128 KiB. The same
    // string comes from H743/H753 ROMs, so this only warns when an operation reaches past the first 128 KiB.
    name: 'stm32h750-flash-size',
    summary: 'the H743 layout (2 MiB) is also reported by the STM32H750, which has 128 KiB',
    source: '/work/shared/research/devices.md row 20 (Electro-Smith Daisy Seed)',
    match: [{ vendorId: ST, productId: ST_DFU, when: (s) => flashAt0800(s.alt, 128 * 1024, [16]) }],
    effect: { realFlash: { bytes: 128 * 1024, part: 'STM32H750' } },
  },
  {
    // anchors.md §3.5: dfu-util sends SET_ADDRESS before every chunk; block addressing (AN3156) is ST's. No public report
    // names a DfuSe device without it, so this entry matches the pid.codes test PID the simulator uses; any other device
    // can get the fallback through forceQuirks { blockAddressing: false }. Per-chunk SET_ADDRESS is always correct, only slower.
    name: 'dfuse-no-block-addressing',
    summary: 'honours only wBlockNum 2 after SET_ADDRESS: SET_ADDRESS before every block',
    source: 'anchors.md §3.5 (dfu-util dfuse_dnload_chunk); pid.codes test PID 1209:0001',
    match: [{ vendorId: 0x1209, productId: 0x0001 }],
    effect: { blockAddressing: false },
  },
];

function numberMatches(want: number | readonly number[] | { from: number; to: number }, got: number): boolean {
  if (typeof want === 'number') return want === got;
  if ('from' in want) return got >= want.from && got <= want.to;
  return (want as readonly number[]).includes(got);
}

export function entryMatches(entry: QuirkEntry, s: QuirkSubject): boolean {
  return entry.match.some(
    (m) =>
      numberMatches(m.vendorId, s.device.vendorId) &&
      numberMatches(m.productId, s.device.productId) &&
      (m.bcdDevice === undefined || m.bcdDevice === s.device.bcdDevice) &&
      (m.when === undefined || m.when(s)),
  );
}

/** Does a table entry say this device's serial descriptor is UTF-8? */
function wantsUtf8Serial(device: DfuDeviceInfo): boolean {
  return QUIRK_TABLE.some(
    (e) => typeof e.effect === 'object' && e.effect.utf8Serial === true && device.alts.some((alt) => entryMatches(e, { device, alt })),
  );
}

/**
 * The device as the quirks say it really is: a UTF-8 serial decoded
 * (idempotent: a serial already decoded is left alone). `utf8Serial: false`
 * in `force` turns that off.
 */
export function applyIdentityQuirks(device: DfuDeviceInfo, force?: Partial<Quirks>): DfuDeviceInfo {
  if (force?.utf8Serial === false || device.serial === undefined) return device;
  if (force?.utf8Serial !== true && !wantsUtf8Serial(device)) return device;
  const serial = fixUtf8Serial(device.serial);
  return serial === device.serial ? device : { ...device, serial };
}

/**
 * The quirks for one alt setting of one device, and the names of what applied
 * (table entries, then device-mode.ts descriptor rules). Of `force`, only
 * `utf8Serial` matters here (how to read the serial); resolveQuirks applies the rest.
 */
export function quirksFor(device: DfuDeviceInfo, alt: DfuAltSetting, force?: Partial<Quirks>): { quirks: Quirks; applied: string[] } {
  const fixed = applyIdentityQuirks(device, force);
  const subject: QuirkSubject = { device: fixed, alt: fixed.alts.find((a) => a.interfaceNumber === alt.interfaceNumber && a.alternateSetting === alt.alternateSetting) ?? alt };
  const quirks: Quirks = { ...DEFAULT_QUIRKS };
  const applied: string[] = [];
  for (const entry of QUIRK_TABLE) {
    if (!entryMatches(entry, subject)) continue;
    Object.assign(quirks, typeof entry.effect === 'function' ? entry.effect(subject) : entry.effect);
    applied.push(entry.name);
  }
  applied.push(...descriptorRules(fixed, subject.alt));
  return { quirks, applied };
}
