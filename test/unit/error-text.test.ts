/**
 * The messages and hints of the library (everything below src/cli): read
 * from the sources, and thrown from real error paths (bad files through
 * parseFirmware, bad selections, planner refusals, DFU statuses, the libusb
 * and WebUSB error mapping): one style (test/support/message-style.ts), and no
 * hint that names a CLI flag or command — those words belong to
 * src/cli/hints.ts. A text with holes (`${address}`) is checked on what is
 * written around them; the runtime tables (error-sites.test.ts, the formats
 * tests, the fault matrix) check whole texts.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { SourceTexts, sourceFiles, shapeText, type Shape, type TextSite } from '../support/error-strings.js';
import { assertErrorStyle, cliWords, styleProblems } from '../support/message-style.js';
import { download, parseFirmware } from '../../src/api/operations.js';
import { parseAlt, parseDeviceIds, parsePortPath, parseSerials } from '../../src/api/selection-text.js';
import { cliHint, withGuidance } from '../../src/cli/hints.js';
import { run } from '../../src/cli/main.js';
import { parseDfuseAddress } from '../../src/dfu/dfuse-address.js';
import { parseMemoryLayout } from '../../src/dfu/memory-layout.js';
import { planDfuseUpload } from '../../src/dfu/plan-upload.js';
import { planDfuseDownload } from '../../src/dfu/planner.js';
import { statusError } from '../../src/dfu/session.js';
import type { ParseFirmwareOptions } from '../../src/formats/detect.js';
import type { FirmwareImage } from '../../src/formats/image.js';
import { DfuFlashError, hex32 } from '../../src/shared/errors.js';
import { createSimBackend } from '../../src/sim/index.js';
import { FakeClock } from '../../src/transport/clock.js';
import { mapLibusbError } from '../../src/transport/usb/libusb-errors.js';
import { needsPermissionError, requestDfuDevice } from '../../src/transport/webusb/permission.js';
import type { WebUsbPlatform } from '../../src/transport/webusb/platform.js';
import { mapWebUsbError } from '../../src/transport/webusb/webusb-errors.js';

const SRC = fileURLToPath(new URL('../../../src', import.meta.url));
/** The simulated browser's DOMException texts are the browsers' words, copied as they are. */
const FOREIGN = [join(SRC, 'sim', 'webusb', 'dom-errors.ts')];
/** Outside src/cli but the CLI's own: web-host serves and builds the site for `dfu-flash web` and is imported only by src/cli. */
const CLI_ONLY = [join(SRC, 'cli'), join(SRC, 'web-host')];
const LIBRARY = sourceFiles(SRC).filter((p) => !CLI_ONLY.some((d) => p.startsWith(d + '/')) && !FOREIGN.includes(p));
const texts = new SourceTexts(SRC);
const SITES: TextSite[] = LIBRARY.flatMap((p) => texts.sites(p));

/** The text with each hole as a distinct lower-case word, so the rules see only what is written. */
function withHoles(shape: Shape): string {
  let n = 0;
  return shape.map((p) => (p === null ? `v${++n}` : p)).join('');
}

function problems(site: TextSite): string[] {
  const out: string[] = [];
  for (const shape of site.shapes) {
    const text = withHoles(shape);
    if (site.kind === 'hint' && text === '') continue; // no hint
    const at = `${site.file}:${site.line}`;
    for (const p of styleProblems(text, site.kind)) out.push(`${at}: ${p}`);
    if (site.kind === 'hint') {
      const words = shape.filter((p): p is string => p !== null).flatMap(cliWords);
      if (words.length > 0) out.push(`${at}: the hint names CLI words (${words.join(', ')}): ${shapeText(shape)}`);
    }
  }
  return [...new Set(out)];
}

test('the scan finds the library\'s messages and hints', () => {
  // a floor, so a scanner that stops finding sites fails rather than passes
  assert.ok(SITES.filter((s) => s.kind === 'message').length >= 150, `messages found: ${SITES.filter((s) => s.kind === 'message').length}`);
  assert.ok(SITES.filter((s) => s.kind === 'hint').length >= 150, `hints found: ${SITES.filter((s) => s.kind === 'hint').length}`);
});

test('every message and hint below src/cli is in the one style, and no hint names a CLI flag or command', () => {
  assert.deepEqual(SITES.flatMap(problems), []);
});

test('the CLI\'s own messages and hints (src/cli, src/web-host) are in the same style; they may name their flags', () => {
  const cliSites = CLI_ONLY.flatMap((d) => sourceFiles(d)).flatMap((p) => texts.sites(p));
  assert.ok(cliSites.length >= 50, `CLI sites found: ${cliSites.length}`);
  const found = cliSites.flatMap((site) =>
    site.shapes.flatMap((shape) => {
      const text = withHoles(shape);
      return site.kind === 'hint' && text === '' ? [] : styleProblems(text, site.kind).map((p) => `${site.file}:${site.line}: ${p}`);
    }),
  );
  assert.deepEqual([...new Set(found)], []);
});

// ---------------------------------------------------------------------------
// The checker itself: it must catch what the style forbids.

describe('the style checker catches what the style forbids', () => {
  const BAD: [string, RegExp][] = [
    ['Could not open the device', /capital/],
    ['fw.hex: line 3: Checksum is wrong', /capital/],
    ['this is not a Intel HEX file', /article/],
    ['this is not an DfuSe file', /article/],
    ['replug the device.', /full stop/],
    ['the device did not answer. Replug it', /sentence break/],
    ['ERASE at 0x08009000: ERASE at 0x08009000: failed', /repeats a prefix/],
    [' padded', /blanks/],
  ];
  for (const [text, problem] of BAD) {
    test(JSON.stringify(text), () => {
      const found = styleProblems(text);
      assert.ok(found.some((p) => problem.test(p)), `${text}: ${found.join('; ') || 'no problem found'}`);
    });
  }
  test('good texts pass: names keep their capitals, quoted device text is not checked', () => {
    for (const text of ['ELF program header 2 is damaged', 'USB communication failed: replug the device', 'memory layout "@Internal Flash  /0x08000000/04*016Kg": bad', 'an Intel HEX file', ':leave is not done after writing the option bytes']) {
      assert.deepEqual(styleProblems(text), [], text);
    }
  });
  test('CLI words: flags and dfu-flash commands, not another tool\'s command line', () => {
    assert.deepEqual(cliWords('pass --format bin to flash it'), ['--format']);
    assert.deepEqual(cliWords('check -s ADDR and the alt setting (-a)'), ['-s', '-a']);
    assert.deepEqual(cliWords('run `dfu-flash list` to see it'), ['dfu-flash list']);
    assert.deepEqual(cliWords('convert it (objcopy -O ihex) and flash that; readelf -l flags it too; sudo udevadm control --reload-rules'), []);
    assert.deepEqual(cliWords('reinstall the dfu-flash package; a 32-bit address'), []);
  });
  test('assertErrorStyle fails on a capitalised message and on a library hint with a flag', () => {
    assert.throws(() => assertErrorStyle(new DfuFlashError('USAGE', 'Bad value', { hint: 'give another' })), /capital/);
    assert.throws(() => assertErrorStyle(new DfuFlashError('USAGE', 'bad value', { hint: 'give another with -a 0' })), /CLI words/);
    assert.doesNotThrow(() => assertErrorStyle(new DfuFlashError('USAGE', 'bad value', { hint: 'give another with -a 0' }), { libraryHint: false }));
  });
});

// ---------------------------------------------------------------------------
// Real error paths: throw them and check what comes out.

function thrown(f: () => unknown): DfuFlashError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof DfuFlashError, `a DfuFlashError, got ${String(e)}`);
    return e;
  }
  assert.fail('nothing was thrown');
}

async function rejected(p: Promise<unknown>): Promise<DfuFlashError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof DfuFlashError, `a DfuFlashError, got ${String(e)}`);
    return e;
  }
  assert.fail('nothing was thrown');
}

const bytes = (s: string) => new TextEncoder().encode(s);
/** A DFU suffix whose bLength (3) is too small: the signature says suffix, the rest is damaged. */
const damagedSuffix = Uint8Array.from([1, 2, 3, 4, 0, 0, 0x11, 0xdf, 0x83, 0x04, 0x1a, 0x01, 0x55, 0x46, 0x44, 3, 0, 0, 0, 0]);

const BAD_FILES: [string, Uint8Array, ParseFirmwareOptions][] = [
  ['empty file', new Uint8Array(), { fileName: 'fw.bin' }],
  ['Intel HEX checksum', bytes(':0400000001020304F0\n:00000001FF\n'), { fileName: 'fw.hex' }],
  ['binary bytes in Intel HEX', Uint8Array.from([0x3a, 0x30, 0x00, 0xff, 0x0a]), { fileName: 'fw.hex', format: 'ihex' }],
  ['binary bytes in an S-record', Uint8Array.from([0x53, 0x31, 0x00, 0xff, 0x0a]), { fileName: 'fw.srec', format: 'srec' }],
  ['S-record checksum', bytes('S1070000010203040F\nS9030000FC\n'), { fileName: 'fw.srec' }],
  ['Intel HEX named .bin', bytes(':0400000001020304F2\n:00000001FF\n'), { fileName: 'fw.bin' }],
  ['.dfu without prefix or suffix', Uint8Array.from([1, 2, 3, 4]), { fileName: 'fw.dfu' }],
  ['not ELF', Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), { fileName: 'fw.elf', format: 'elf' }],
  ['truncated ELF', Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 1]), { fileName: 'fw.elf' }],
  ['64-bit ELF', Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]), { fileName: 'fw.elf' }],
  ['big-endian ELF', Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 1, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]), { fileName: 'fw.elf' }],
  ['not DfuSe', Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), { fileName: 'fw.dfu', format: 'dfuse' }],
  ['damaged DFU suffix', damagedSuffix, { fileName: 'fw.bin' }],
];

describe('bad files through parseFirmware', () => {
  for (const [name, data, options] of BAD_FILES) {
    test(name, () => {
      const e = thrown(() => parseFirmware(data, options));
      assert.equal(e.code, 'FORMAT', e.message);
      assertErrorStyle(e, { fileName: options.fileName, hintRequired: true });
    });
  }
});

describe('bad selections and option values', () => {
  const CASES: [string, () => unknown][] = [
    ['device ids', () => parseDeviceIds('zz:df11')],
    ['device ids with a dash on the DFU side', () => parseDeviceIds('0483:df11,-')],
    ['empty serial', () => parseSerials('')],
    ['empty alt', () => parseAlt('')],
    ['port path', () => parsePortPath('1 - 2')],
    ...['', 'leave', '0x08000000:leav', '0x08000000:Leave', '010', '0x08000000:0', '0x08000000:-4', '0x08000000::leave', '0x08000000:4:8', '0xffffffff:16', '0x08000000:mass-erase', ':unprotect', '0x08000000:leave:leave'].map(
      (s): [string, () => unknown] => [`DfuSe address ${JSON.stringify(s)}`, () => parseDfuseAddress(s)],
    ),
    ...['@Flash/0x08000000', '@Flash/0x08000000/4*16Kz', '@Flash/0x0800000g/4*16Kg', '@Flash/0x08000000/x*16Kg'].map(
      (s): [string, () => unknown] => [`memory layout ${JSON.stringify(s)}`, () => parseMemoryLayout(s)],
    ),
  ];
  for (const [name, f] of CASES) test(name, () => assertErrorStyle(thrown(f)));
});

const F4 = parseMemoryLayout('@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg');
const BOOT = parseMemoryLayout('@Boot /0x08000000/02*016Ka,02*016Kg');
const image = (address: number, length = 16) => ({ segments: [{ address, data: new Uint8Array(length) }] }) as unknown as FirmwareImage;

describe('planner refusals', () => {
  const CASES: [string, () => unknown][] = [
    ['outside the layout', () => planDfuseDownload(image(0x20000000), F4, { transferSize: 2048 })],
    ['past the address space', () => planDfuseDownload(image(0xfffffff8), F4, { transferSize: 2048 })],
    ['a read-only sector', () => planDfuseDownload(image(0x08000000), BOOT, { transferSize: 2048 })],
    ['transfer size 0', () => planDfuseDownload(image(0x08000000), F4, { transferSize: 0 })],
    ['leave address', () => planDfuseDownload(image(0x08000000), F4, { transferSize: 2048, leaveAddress: -1 })],
    ['upload without address', () => planDfuseUpload(F4, { address: undefined, transferSize: 2048 })],
    ['upload address', () => planDfuseUpload(F4, { address: 2 ** 33, transferSize: 2048 })],
    ['upload length', () => planDfuseUpload(F4, { address: 0x08000000, length: 0, transferSize: 2048 })],
    ['overlapping segments', () => planDfuseDownload({ segments: [{ address: 0x08000000, data: new Uint8Array(32) }, { address: 0x08000010, data: new Uint8Array(32) }] } as unknown as FirmwareImage, F4, { transferSize: 2048 })],
  ];
  for (const [name, f] of CASES) test(name, () => assertErrorStyle(thrown(f)));

  test('through the public API, against a simulated device: a raw image without an address', async () => {
    const backend = createSimBackend(['stm32f4-sysboot'], { clock: new FakeClock() });
    const e = await rejected(download({ backend, image: parseFirmware(new Uint8Array(64), { format: 'bin' }), clock: new FakeClock() } as never));
    assert.equal(e.details['reason'], 'raw-needs-address');
    assertErrorStyle(e);
  });
});

describe('DFU status errors', () => {
  for (let status = 1; status <= 0x0f; status++) {
    for (const phase of ['erase', 'download', 'upload'] as const) {
      test(`status ${status} in ${phase}`, () => assertErrorStyle(statusError(phase, `DNLOAD at ${hex32(0x08000000)}`, { status, state: 10, pollTimeoutMs: 0 } as never, 0x08000000)));
    }
  }
});

describe('transport error mapping', () => {
  const PLATFORMS: NodeJS.Platform[] = ['linux', 'darwin', 'win32', 'freebsd'];
  const LIBUSB = ['LIBUSB_ERROR_ACCESS', 'LIBUSB_ERROR_NOT_SUPPORTED', 'LIBUSB_ERROR_BUSY', 'LIBUSB_ERROR_NO_DEVICE', 'LIBUSB_ERROR_TIMEOUT', 'LIBUSB_TRANSFER_STALL', 'LIBUSB_ERROR_PIPE', 'LIBUSB_ERROR_IO', 'LIBUSB_ERROR_OTHER'];
  for (const platform of PLATFORMS) {
    for (const name of LIBUSB) {
      test(`libusb ${name} on ${platform}`, () => {
        const err = Object.assign(new Error(name), { errno: -1, code: name });
        assertErrorStyle(mapLibusbError(err, { operation: 'claim interface 0', vendorId: 0x0483, productId: 0xdf11, portPath: '1-1.4', platform }));
      });
    }
  }
  const WEB_PLATFORMS: WebUsbPlatform[] = ['linux', 'chromeos', 'android', 'windows', 'macos', 'other'];
  const DOM: [string, string][] = [
    ['SecurityError', 'Access denied.'],
    ['SecurityError', 'Access to the feature "usb" is disallowed by permissions policy.'],
    ['NetworkError', 'Unable to claim interface.'],
    ['NotFoundError', 'The device was disconnected.'],
    ['NotFoundError', 'The interface number provided is not supported by the device in its current configuration.'],
    ['AbortError', 'The transfer was cancelled.'],
  ];
  for (const platform of WEB_PLATFORMS) {
    for (const [name, message] of DOM) {
      for (const kind of ['open', 'claim', 'alt', 'transfer'] as const) {
        test(`WebUSB ${name} "${message}" (${kind}) on ${platform}`, () => {
          const e = Object.assign(new Error(message), { name });
          assertErrorStyle(mapWebUsbError(e, { kind, operation: kind, vendorId: 0x0483, productId: 0xdf11, platform, connected: true }));
        });
      }
    }
  }
  test('WebUSB: a page without permission, and the chooser refusing', async () => {
    assertErrorStyle(needsPermissionError([{ vendorId: 0x0483, productId: 0xdf11 }]));
    for (const [name, message] of [['NotFoundError', 'No device selected.'], ['SecurityError', 'Must be handling a user gesture to show a permission request.'], ['SecurityError', 'Access denied.'], ['TypeError', 'bad filters']] as const) {
      for (const platform of ['windows', 'linux'] as const) {
        const usb = { requestDevice: () => Promise.reject(Object.assign(new Error(message), { name })) } as never;
        assertErrorStyle(await rejected(requestDfuDevice(usb, [{ vendorId: 0x0483, productId: 0xdf11 }], platform)));
      }
    }
  });
});

// ---------------------------------------------------------------------------
// The CLI gives the flags; the library does not.

describe('the CLI adds its flags to the library\'s hint (src/cli/hints.ts, by details.reason)', () => {
  const CASES: [string, () => DfuFlashError, RegExp][] = [
    ['a bad -s value', () => thrown(() => parseDfuseAddress('0x08000000:leav')), /-s 0x08000000:leave/],
    ['mass-erase without :force', () => thrown(() => parseDfuseAddress('0x08000000:mass-erase')), /-s 0x08000000:mass-erase:force/],
    ['Intel HEX named .bin', () => thrown(() => parseFirmware(bytes(':0400000001020304F2\n:00000001FF\n'), { fileName: 'fw.bin' })), /--format bin/],
    ['not an ELF file', () => thrown(() => parseFirmware(Uint8Array.from([1, 2, 3, 4]), { format: 'elf' })), /--format/],
    ['a damaged suffix', () => thrown(() => parseFirmware(damagedSuffix, { fileName: 'fw.bin' })), /dfu-flash suffix remove/],
    ['outside the layout', () => thrown(() => planDfuseDownload(image(0x20000000), F4, { transferSize: 2048 })), /-s ADDR.*\(-a\).*:force/],
    ['a read-only sector', () => thrown(() => planDfuseDownload(image(0x08000000), BOOT, { transferSize: 2048 })), /\(-s 0x08008000\)/],
    ['upload without address', () => thrown(() => planDfuseUpload(F4, { address: undefined, transferSize: 2048 })), /-s ADDR\[:LEN\]/],
    ['a bad layout string', () => thrown(() => parseMemoryLayout('@Flash/0x08000000/4*16Kz')), /with -a/],
    ['read-out protection (errVENDOR)', () => statusError('upload', 'UPLOAD', { status: 0x0b, state: 10, pollTimeoutMs: 0 } as never), /-s :unprotect:force/],
    ['transfer size', () => thrown(() => planDfuseDownload(image(0x08000000), F4, { transferSize: 0 })), /-t/],
    ['a stalled request', () => mapLibusbError(Object.assign(new Error('stall'), { errno: 4, code: 'LIBUSB_TRANSFER_STALL' }), { operation: 'DFU_GETSTATUS', vendorId: 0x0483, productId: 0xdf11, platform: 'linux' }), /dfu-flash list/],
  ];
  for (const [name, make, flag] of CASES) {
    test(name, () => {
      const e = make();
      assert.ok(e.hint !== undefined && e.hint !== '', 'the library gives a hint of its own');
      assert.deepEqual(cliWords(e.hint), [], `the library's hint names no flag: ${e.hint}`);
      const shown = cliHint(e, 'linux');
      assert.match(shown ?? '', flag);
      assertErrorStyle(withGuidance(e, 'linux'), { libraryHint: false });
    });
  }

  test('the CLI output: dfu-flash download with a bad -s modifier and with hex text named .bin', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dfu-hints-'));
    writeFileSync(join(dir, 'fw.bin'), ':0400000001020304F2\n:00000001FF\n');
    writeFileSync(join(dir, 'raw.bin'), new Uint8Array(64));
    for (const [args, flag] of [
      [['download', '-a', '0', '-s', '0x08000000:mass-erase', 'raw.bin'], /^ {2}hint: .*-s 0x08000000:mass-erase:force/m],
      [['download', '-a', '0', '-s', '0x08000000', 'fw.bin'], /^ {2}hint: .*--format bin/m],
    ] as const) {
      let err = '';
      const io = { stdout: { write: () => true }, stderr: { write: (s: string) => ((err += s), true) }, stdoutIsTTY: false, stderrIsTTY: false, env: {}, cwd: dir };
      const exit = await run([...args], io as never, { clock: new FakeClock(), createBackend: async () => createSimBackend(['stm32f4-sysboot'], { clock: new FakeClock() }) });
      assert.notEqual(exit, 0);
      assert.match(err, flag, err);
    }
  });
});
