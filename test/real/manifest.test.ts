/**
 * Every file listed in the shared MANIFEST.md is unmodified (size, SHA-256)
 * and parses — or is refused — as the MANIFEST says.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { parseFirmware } from '../../src/formats/detect.js';
import { inspectDfuseFile } from '../../src/formats/dfuse-file.js';
import { parseDfuSuffix } from '../../src/formats/dfu-suffix.js';
import type { FirmwareImage } from '../../src/formats/image.js';
import { expectFormatError } from '../unit/formats/helpers.js';
import { manifestEntries, readReal, readRealText, skipUnlessReal } from './real-fixtures.js';
import { describeOrSkip } from '../support/describe-or-skip.js';

interface SuffixExpect {
  vid: number;
  pid: number;
  dev: number;
  dfu: number;
  len: number;
  crc: number;
}
type Ranges = [address: number, length: number][];
interface ImageExpect {
  format: 'bin' | 'ihex' | 'srec' | 'elf' | 'dfuse';
  segments: Ranges;
  start?: number;
  header?: string;
  suffix?: SuffixExpect;
  targets?: { alt: number; name: string; elements: Ranges }[];
  imageSize?: number;
}
type Expect = ImageExpect | { reject: string; hint: RegExp };

const ST = { vid: 0x0483, pid: 0xdf11, dev: 0x0000, dfu: 0x011a, len: 16 };
const ANY = { vid: 0xffff, pid: 0xffff, dev: 0xffff, dfu: 0x0100, len: 16 };
const bin = (length: number, suffix?: SuffixExpect): ImageExpect => ({ format: 'bin', segments: [[0, length]], suffix });
const one = (alt: number, name: string, elements: Ranges) => [{ alt, name, elements }];

/** The files copied from public repositories, written out from the MANIFEST prose and test-vectors.md. */
const COPIED: Record<string, Expect> = {
  'bin/crazyflie-custom-main.bin': bin(1016),
  'bin/jsc4-stm32f407-blink.bin': bin(2840),
  'bin/serg-w140-stm32f446-blink.bin': bin(878),
  'bin/stm32cubeide-f103-blink.bin': bin(4780),
  'bin/stm32primer2-gnss-main.bin': bin(38168),
  'dfu-suffix/fwupd-example.bin': bin(12),
  'dfu-suffix/fwupd-example.dfu': bin(12, { ...ANY, crc: 0x2d64ea66 }),
  'dfu-suffix/fwupd-metadata_suffixlen29.dfu': bin(6, { ...ANY, len: 29, crc: 0x12dec458 }),
  'dfu-suffix/kiibohd-fwupd-testdata.dfu.bin': bin(36532, { vid: 0x1c11, pid: 0xb007, dev: 0xffff, dfu: 0x0100, len: 16, crc: 0x1e355530 }),
  'dfuse/crazyflie-custom-main_0x08004000.dfu': {
    format: 'dfuse',
    segments: [[0x08004000, 1016]],
    suffix: { ...ST, crc: 0xa8b108ce },
    targets: one(0, 'ST...', [[0x08004000, 1016]]),
    imageSize: 1309,
  },
  'dfuse/hex2dfu-stdfufiles-test.dfu': {
    format: 'dfuse',
    segments: [[0x08003000, 39604]],
    suffix: { ...ST, pid: 0x0000, crc: 0xa3b330cd },
    targets: one(0, 'test.dfu', [[0x08003000, 39604]]),
    imageSize: 39897,
  },
  'dfuse/micropython-lego-spike-prime_vid0694.dfu': {
    format: 'dfuse',
    segments: [[0x08010000, 397104]],
    suffix: { ...ST, vid: 0x0694, pid: 0x0008, crc: 0xd6bd3862 },
    targets: one(0, 'ST...', [[0x08010000, 397104]]),
    imageSize: 397397,
  },
  'dfuse/micropython-mboot-lego-spike-prime.dfu': {
    format: 'dfuse',
    segments: [[0x08008000, 32752]],
    suffix: { ...ST, crc: 0xa0c4713e },
    targets: one(0, 'ST...', [[0x08008000, 32752]]),
    imageSize: 33045,
  },
  'dfuse/micropython-stm32f407-diymore_2elem.dfu': {
    format: 'dfuse',
    segments: [
      [0x08000000, 14784],
      [0x08020000, 307392],
    ],
    suffix: { ...ST, crc: 0x4305693f },
    targets: one(0, 'ST...', [
      [0x08000000, 14784],
      [0x08020000, 307392],
    ]),
    imageSize: 322477,
  },
  'dfuse/vrbrain-fwupd-testdata_2elem.dfu': {
    format: 'dfuse',
    segments: [
      [0x08000000, 91857],
      [0x080166d4, 516],
    ],
    suffix: { ...ST, pid: 0x0000, crc: 0x4f229ff7 },
    targets: one(0, 'ST...', [
      [0x08000000, 91857],
      [0x080166d4, 516],
    ]),
    imageSize: 92674,
  },
  'elf/jsc4-stm32f407-blink_data-lma-ne-vma.elf': { format: 'elf', segments: [[0x08000000, 2840]], start: 0x0800031d },
  'elf/keil-alientek-ministm32-LED_rw-in-load-region.axf': { format: 'elf', segments: [[0x08000000, 0x1824]], start: 0x08000131 },
  'elf/keil-stm32f051-asm-blink_Template.axf': { format: 'elf', segments: [[0x08000000, 0x120]], start: 0x080000bd },
  'elf/serg-w140-stm32f446-blink_text-only.elf': { format: 'elf', segments: [[0x08000000, 878]], start: 0x08000321 },
  'elf/zachatttack-stm32-barebones_empty-data-segment.elf': { format: 'elf', segments: [[0x08000000, 436]], start: 0x0800012f },
  'ihex/crazyflie-custom-main.hex': { format: 'ihex', segments: [[0x08000000, 1016]], start: 0x08000391 },
  'ihex/fwupd-testdata-firmware_pic_nosegments.hex': {
    format: 'ihex',
    segments: [
      [0x4000, 4],
      [0x4008, 128],
    ],
  },
  'ihex/hex2dfu-test_stm32_0x08003000.hex': { format: 'ihex', segments: [[0x08003000, 39604]], start: 0x08003131 },
  'ihex/jsc4-stm32f407-blink.hex': { format: 'ihex', segments: [[0x08000000, 2840]], start: 0x0800031d },
  'ihex/keil-alientek-ministm32-LED.hex': { format: 'ihex', segments: [[0x08000000, 6180]], start: 0x08000131 },
  'ihex/keil-stm32f051-asm-blink_Template.hex': { format: 'ihex', segments: [[0x08000000, 288]], start: 0x080000bd },
  'ihex/stm32cubeide-f103-blink.hex': { format: 'ihex', segments: [[0x08000000, 4780]], start: 0x08000391 },
  'ihex/stm32primer2-gnss-main.hex': { format: 'ihex', segments: [[0x08000000, 38168]], start: 0x08000000 },
  'negative/fwupd-example.xdfu': bin(12, { ...ANY, crc: 0x33fe4da4 }),
  'negative/vlxfirm-proprietary-not-dfu.dfu': { reject: "vlxfirm-proprietary-not-dfu.dfu: the file is named .dfu but has neither a DfuSe prefix nor a DFU suffix ('UFD' signature)", hint: /read it as raw binary/ },
  'srec/stm32cubeide-f103-blink.srec': { format: 'srec', segments: [[0x08000000, 4780]], start: 0x08000391, header: 'blink.srec' },
  'srec/stm32primer2-gnss-main.s19': { format: 'srec', segments: [[0x08000000, 38168]], start: 0x08000000, header: 'main.s19' },
  'vectors/fwupd-dfu-builder-vector.dfu': bin(12, { vid: 0x1234, pid: 0x4321, dev: 0xdead, dfu: 0x0100, len: 16, crc: 0x2f4f6d02 }),
  'vectors/fwupd-dfuse-builder-vector_2targets.dfu': {
    format: 'dfuse',
    segments: [
      [0x08000000, 11],
      [0x08001234, 11],
      [0x08005678, 11],
    ],
    suffix: { vid: 0x1234, pid: 0x5678, dev: 0x8642, dfu: 0x011a, len: 16, crc: 0x70c260f8 },
    targets: [
      {
        alt: 1,
        name: 'one',
        elements: [
          [0x08001234, 11],
          [0x08005678, 11],
        ],
      },
      { alt: 0, name: 'two', elements: [[0x08000000, 11]] },
    ],
    imageSize: 616,
  },
};

/**
 * The generated files: read what MANIFEST's table says, e.g.
 * "0483:df11 dev 0000 bcdDFU 011a len 16; DfuSe imageSize=4201 targets=3 alt0:[0x08000000+256, 0x08010000+1000] alt1:[...]".
 */
function generatedExpect(size: number, description: string, crcColumn: string): Expect {
  if (description === 'input payload' || description === 'no suffix') return bin(size);
  const m = /^([0-9a-f]{4}):([0-9a-f]{4}) dev ([0-9a-f]{4}) bcdDFU ([0-9a-f]{4}) len (\d+)(?:; DfuSe imageSize=(\d+) targets=(\d+) (.*))?$/.exec(description);
  assert.ok(m, `cannot read MANIFEST description ${JSON.stringify(description)}`);
  const suffix = { vid: parseInt(m[1]!, 16), pid: parseInt(m[2]!, 16), dev: parseInt(m[3]!, 16), dfu: parseInt(m[4]!, 16), len: Number(m[5]), crc: parseInt(crcColumn, 16) };
  if (m[6] === undefined) return bin(size - suffix.len, suffix);
  const targets = [...m[8]!.matchAll(/alt(\d+):\[([^\]]*)\]/g)].map((t) => ({
    alt: Number(t[1]),
    name: '',
    elements: [...t[2]!.matchAll(/0x([0-9a-f]+)\+(\d+)/g)].map((e): [number, number] => [parseInt(e[1]!, 16), Number(e[2])]),
  }));
  assert.equal(targets.length, Number(m[7]));
  const segments = targets
    .flatMap((t) => t.elements)
    .filter(([, n]) => n > 0)
    .sort((a, b) => a[0] - b[0]);
  return { format: 'dfuse', segments, suffix, targets, imageSize: Number(m[6]) };
}

/**
 * dfu-util's tools accept an empty payload and an empty element; dfu-flash
 * refuses a file with nothing to flash, the empty file with its own message.
 */
function refusedWhenEmpty(path: string, fileSize: number, e: Expect): Expect {
  if ('reject' in e || e.segments.some(([, length]) => length > 0)) return e;
  const name = path.slice(path.lastIndexOf('/') + 1);
  const formatName = e.format === 'dfuse' ? 'DfuSe' : 'raw binary';
  return { reject: fileSize === 0 ? `${name} is empty` : `${name} contains no data to flash (format ${formatName}: `, hint: /^check that the build produced the firmware$/ };
}

function generatedRows(): Map<string, Expect> {
  const rows = new Map<string, Expect>();
  for (const line of readRealText('MANIFEST.md').split('\n')) {
    const m = /^\| `(generated\/[^`]+)` \| (\d+) \| `[0-9a-f]{16}` \| ([^|]*) \| ([^|]*) \|$/.exec(line);
    if (m) rows.set(m[1]!, refusedWhenEmpty(m[1]!, Number(m[2]), generatedExpect(Number(m[2]), m[3]!.trim(), m[4]!.trim())));
  }
  return rows;
}

const ranges = (image: FirmwareImage): Ranges => image.segments.map((s) => [s.address, s.data.length]);
const NOT_FIRMWARE = /^(logs\/|generated\/tool-output\/|generated\/commands\.log$|generated\/inputs\.sha256$)/;

describeOrSkip('real fixtures: MANIFEST.md', skipUnlessReal.skip, () => {
  const entries = skipUnlessReal.skip === false ? manifestEntries() : [];
  const expectations = skipUnlessReal.skip === false ? new Map([...Object.entries(COPIED), ...generatedRows()]) : new Map<string, Expect>();

  test('the MANIFEST lists the files this suite expects', () => {
    assert.ok(entries.length >= 90, `only ${entries.length} rows read`);
    const firmware = entries.map((e) => e.path).filter((p) => !NOT_FIRMWARE.test(p));
    assert.deepEqual(firmware.filter((p) => !expectations.has(p)), [], 'files without an expectation');
    assert.deepEqual([...expectations.keys()].filter((p) => !firmware.includes(p)), [], 'expectations for unlisted files');
  });

  test('every listed file has the size and SHA-256 the MANIFEST gives', () => {
    for (const e of entries) {
      const bytes = readReal(e.path);
      assert.equal(bytes.length, e.size, e.path);
      assert.equal(createHash('sha256').update(bytes).digest('hex').slice(0, 16), e.sha256Prefix, e.path);
    }
  });

  for (const path of skipUnlessReal.skip === false ? [...expectations.keys()] : []) {
    const expected = expectations.get(path)!;
    test(path, () => {
      const bytes = readReal(path);
      const fileName = path.slice(path.lastIndexOf('/') + 1);
      if ('reject' in expected) {
        const e = expectFormatError(() => parseFirmware(bytes, { fileName }), expected.reject);
        assert.match(e.hint ?? '', expected.hint);
        return;
      }
      const image = parseFirmware(bytes, { fileName });
      assert.equal(image.format, expected.format);
      assert.deepEqual(ranges(image), expected.segments);
      assert.equal(image.addressed, expected.format !== 'bin');
      assert.equal(image.startAddress, expected.start);
      if (expected.header !== undefined) assert.equal(image.header, expected.header);
      const s = expected.suffix;
      assert.deepEqual(
        image.suffix,
        s === undefined ? undefined : { idVendor: s.vid, idProduct: s.pid, bcdDevice: s.dev, bcdDFU: s.dfu, length: s.len, crc: s.crc },
      );
      if (s !== undefined) assert.equal(parseDfuSuffix(bytes)?.suffix.crc, s.crc);
      if (expected.targets !== undefined) {
        assert.deepEqual(
          image.targets?.map((t) => ({ alt: t.alternateSetting, elements: (t.elements ?? []).map((e): [number, number] => [e.address, e.data.length]) })),
          expected.targets.map((t) => ({ alt: t.alt, elements: t.elements })),
        );
        for (const [i, t] of expected.targets.entries()) if (t.name !== '') assert.equal(image.targets?.[i]?.name, t.name);
        const info = inspectDfuseFile(bytes);
        assert.equal(info.imageSize, expected.imageSize);
        assert.equal(info.imageSizeConvention, path.startsWith('generated/dfuse-pack/') ? 'dfuse-pack' : 'st');
      }
    });
  }
});
