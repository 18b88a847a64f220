/**
 * The fixes the flasher page shows (src/web/page/page-hints.ts), for errors
 * made by the real code paths the page runs: the planner, the layout read
 * from an alt setting's name, the firmware parser. Each fix names the page's
 * controls, never a CLI flag, and is written in the messages' one style.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pageFix } from '../../../src/web/page/page-hints.js';
import { parseMemoryLayout } from '../../../src/dfu/memory-layout.js';
import { planDfuseDownload } from '../../../src/dfu/planner.js';
import { layoutOf } from '../../../src/ops/target.js';
import { parseFirmware } from '../../../src/formats/detect.js';
import type { FirmwareImage } from '../../../src/formats/image.js';
import type { DfuAltSetting } from '../../../src/transport/types.js';
import { DfuFlashError } from '../../../src/shared/errors.js';
import { cliWords, styleProblems } from '../../support/message-style.js';

const F4 = parseMemoryLayout('@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg');
const CUBEMX = parseMemoryLayout('@Internal Flash   /0x08000000/02*016Ka,02*016Kg,01*064Kg,03*128Kg');

function image(address: number, length: number): FirmwareImage {
  return { format: 'ihex', addressed: true, segments: [{ address, data: new Uint8Array(length).fill(0x5a) }] };
}

/** The error `fn` throws, which must be a DfuFlashError with `reason`. */
function errorOf(fn: () => unknown, reason: string): DfuFlashError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof DfuFlashError, String(e));
    assert.equal(e.details['reason'], reason, e.message);
    return e;
  }
  assert.fail(`no error (expected ${reason})`);
}

/** The page's fix for `e`: present, different from the library's hint, without CLI words, in the one style. */
function fixFor(e: DfuFlashError): string {
  const fix = pageFix(e);
  assert.ok(fix !== undefined, `no fix for ${e.message}`);
  assert.notEqual(fix, e.hint, 'the page words its own fix');
  assert.deepEqual(cliWords(fix), [], fix);
  assert.deepEqual(styleProblems(fix, 'fix'), []);
  return fix;
}

test('an image outside the chosen memory: the Address field and the Memory list, with the memory the alt setting has', () => {
  const e = errorOf(() => planDfuseDownload(image(0x08100000, 1024), F4, { transferSize: 2048 }), 'image-outside-layout');
  const fix = fixFor(e);
  assert.match(fix, /Address field/);
  assert.match(fix, /Memory list/);
  assert.match(fix, /0x08000000-0x080fffff/);
});

test('an image that starts in a read-only sector: the first writable address, for the Address field', () => {
  const e = errorOf(() => planDfuseDownload(image(0x08000000, 1024), CUBEMX, { transferSize: 2048 }), 'sector-not-writable');
  const fix = fixFor(e);
  assert.match(fix, /^read-only sectors usually hold a bootloader; enter 0x08008000 .* in the Address field/);
});

test('an image past the end of the address space: the Address field', () => {
  const e = errorOf(() => planDfuseDownload(image(0xffffff00, 1024), F4, { transferSize: 2048 }), 'image-past-address-space');
  assert.match(fixFor(e), /Address field/);
});

test('an alt setting whose name could not be read: replug and connect again, never "choose the alt setting"', () => {
  const alt: DfuAltSetting = { interfaceNumber: 0, alternateSetting: 0, interfaceProtocol: 2, iInterface: 4, name: undefined, nameError: 'GET_DESCRIPTOR stalled' };
  const e = errorOf(() => layoutOf(alt), 'strings-unreadable');
  const fix = fixFor(e);
  assert.match(fix, /^unplug the board, plug it in again and click “Connect a device…”/);
});

test('an empty .bin: the file is empty, not "maybe a raw binary"', () => {
  const e = errorOf(() => parseFirmware(new Uint8Array(0), { fileName: 'fw.bin' }), 'empty-file');
  const fix = fixFor(e);
  assert.match(fix, /^this file is empty/);
  assert.doesNotMatch(fix, /rename/);
});

test('a HEX file with no data records: check the build', () => {
  const e = errorOf(() => parseFirmware(new TextEncoder().encode(':00000001FF\n'), { fileName: 'fw.hex' }), 'empty-image');
  assert.match(fixFor(e), /build produced the firmware/);
});

test('a damaged DFU suffix: get the file again (the page cannot strip a suffix)', () => {
  const body = new Uint8Array(64).fill(0x11);
  const suffix = Uint8Array.from([0x00, 0x01, 0x11, 0xdf, 0x83, 0x04, 0x10, 0x01, 0x55, 0x46, 0x44, 16, 1, 2, 3, 4]);
  const bytes = new Uint8Array([...body, ...suffix]);
  const e = errorOf(() => parseFirmware(bytes, { fileName: 'fw.dfu' }), 'damaged-suffix');
  assert.match(fixFor(e), /suffix .* damaged: get the firmware file again/);
});

test('Intel HEX text named .bin: rename it to .hex (what the CLI says with --format)', () => {
  const hexText = new TextEncoder().encode(':0400000001020304F2\n:00000001FF\n');
  const e = errorOf(() => parseFirmware(hexText, { fileName: 'fw.bin' }), 'text-named-bin');
  assert.match(fixFor(e), /^rename the file to \.hex and choose it again/);
});

test('a name that does not match the content (.elf without the ELF magic), and a .dfu that is neither: rename, or another file', () => {
  const elf = errorOf(() => parseFirmware(new Uint8Array(64).fill(1), { fileName: 'fw.elf' }), 'wrong-format');
  assert.match(fixFor(elf), /^its name says one format and its content does not match: rename it .* or choose another file/);
  const dfu = errorOf(() => parseFirmware(new Uint8Array(64).fill(2), { fileName: 'fw.dfu' }), 'dfu-named-not-dfu');
  assert.match(fixFor(dfu), /rename it to \.bin and choose it again$/);
});

test('an error the table does not know keeps the library hint; a non-library error has no fix', () => {
  const e = new DfuFlashError('USB_IO', 'control transfer failed', { hint: 'plug the board in again', details: { reason: 'something-new' } });
  assert.equal(pageFix(e), 'plug the board in again');
  assert.equal(pageFix(new Error('boom')), undefined);
});
