/** `dfu-flash info`: exact text for each kind of file, the --json shape, exit codes. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../src/cli/main.js';
import { memoryIo } from './helpers.js';
import { FORMATS, GENERATED, HAVE_GENERATED, HAVE_REAL, REAL, withTempDir } from './tmp-dir.js';

async function info(cwd: string, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo({ cwd });
  const code = await run(['info', ...argv], io);
  return { code, out: io.out(), err: io.err() };
}

describe('info text', () => {
  test('Intel HEX across a 64 KiB boundary, with a start address', async () => {
    const r = await info(FORMATS, ['pattern-100_0x0800ffd8.hex']);
    assert.equal(r.code, 0, r.err);
    assert.equal(
      r.out,
      'pattern-100_0x0800ffd8.hex: Intel HEX, 359 bytes\n' +
        '  data: 100 bytes in 1 segment, 0x0800ffd8-0x0801003b\n' +
        '    0x0800ffd8-0x0801003b, 100 bytes\n' +
        '  start address: 0x0800ffd8\n',
    );
    assert.equal(r.err, '');
  });

  test('S-record: header shown', async () => {
    const r = await info(FORMATS, ['pattern-100_s1.srec']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^pattern-100_s1\.srec: Motorola S-record, \d+ bytes\n {2}header: "pattern-100_s1\.srec"\n {2}data: 100 bytes in 1 segment, 0x00001000-0x00001063\n/);
  });

  test('raw binary: no addresses', async () => {
    const r = await info(FORMATS, ['pattern-100.bin']);
    assert.equal(r.out, 'pattern-100.bin: raw binary, 100 bytes\n  data: 100 bytes, no addresses (raw binary: give the address with -s when flashing a DfuSe device)\n');
  });

  test('DfuSe file: suffix, DFUImageSize convention, targets and elements', { skip: HAVE_GENERATED ? false : 'no generated fixtures' }, async () => {
    const r = await info(GENERATED, ['dfuse-pack/two_targets_alt0_alt1.dfu']);
    assert.equal(r.code, 0, r.err);
    assert.equal(
      r.out,
      'dfuse-pack/two_targets_alt0_alt1.dfu: DfuSe, 4706 bytes\n' +
        '  DFU suffix: 0483:df11, bcdDevice 0x0000, bcdDFU 0x011a, bLength 16, dwCRC 0xcc502361 (ok)\n' +
        "  DFUImageSize: 4706 = the whole file length, suffix included (as dfu-util's dfuse-pack writes it)\n" +
        '  target 0: alt 0, "ST...", 1 element, 4099 bytes\n' +
        '    element 0: 0x08000000-0x08001002, 4099 bytes\n' +
        '  target 1: alt 1, "ST...", 1 element, 16 bytes\n' +
        '    element 0: 0x1fffc000-0x1fffc00f, 16 bytes\n' +
        '  data: 4115 bytes in 2 segments, 0x08000000-0x1fffc00f\n' +
        '    0x08000000-0x08001002, 4099 bytes\n' +
        '    0x1fffc000-0x1fffc00f, 16 bytes\n',
    );
  });

  test("ST's convention and a name with garbage after its NUL", { skip: HAVE_REAL ? false : 'no real fixtures' }, async () => {
    const r = await info(REAL, ['dfuse/hex2dfu-stdfufiles-test.dfu']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /\n {2}DFU suffix: 0483:0000, /);
    assert.match(r.out, /\n {2}DFUImageSize: 39897 = file length without the 16-byte suffix \(as ST tools, MicroPython and fwupd write it\)\n/);
    assert.match(r.out, /\n {2}target 0: alt 0, "test\.dfu", 1 element, 39604 bytes\n {4}element 0: 0x08003000-0x0800cab3, 39604 bytes\n/);
  });
});

describe('info --json', () => {
  test('the FileInfo fields in a result line', async () => {
    const r = await info(FORMATS, ['--json', 'firmware-elf32.elf']);
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out) as Record<string, unknown>;
    assert.deepEqual(doc, {
      type: 'result',
      ok: true,
      operation: 'info',
      file: join(FORMATS, 'firmware-elf32.elf'),
      fileBytes: doc['fileBytes'],
      format: 'elf',
      formatName: 'ELF',
      addressed: true,
      segments: [{ address: 0x08000000, addressHex: '0x08000000', length: 55 }],
      totalBytes: 55,
      startAddress: doc['startAddress'],
    });
    assert.equal(typeof doc['fileBytes'], 'number');
    assert.equal(r.out.split('\n').length, 2, 'one line');
  });

  test('--format bin reads a HEX file as bytes', async () => {
    const r = await info(FORMATS, ['--json', '--format', 'bin', 'pattern-100_s3.srec']);
    const doc = JSON.parse(r.out) as { format: string; addressed: boolean; totalBytes: number; fileBytes: number };
    assert.equal(doc.format, 'bin');
    assert.equal(doc.addressed, false);
    assert.equal(doc.totalBytes, doc.fileBytes);
  });
});

describe('info errors', () => {
  test('exit codes and messages', () =>
    withTempDir(async (dir) => {
      await writeFile(join(dir, 'text.bin'), ':10000000000102030405060708090A0B0C0D0E0F78\n:00000001FF\n');
      await writeFile(join(dir, 'bad.srec'), 'S1130000FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00\n');
      const cases: [string[], number, RegExp][] = [
        [['nope.hex'], 66, /^dfu-flash: error: .*nope\.hex: no such file\n/],
        [['text.bin'], 65, /^dfu-flash: error: text\.bin: the file is named \.bin but holds Intel HEX text\n {2}hint: rename it to \.hex/],
        [['bad.srec'], 65, /^dfu-flash: error: bad\.srec: line 1: /],
        [['--format', 'uf2', 'text.bin'], 64, /argument 'uf2' is invalid\. Allowed choices are auto, bin, ihex, srec, elf, dfuse/],
      ];
      for (const [argv, code, err] of cases) {
        const r = await info(dir, argv);
        assert.equal(r.code, code, `${argv.join(' ')}: ${r.err}`);
        assert.match(r.err, err);
        assert.equal(r.out, '');
      }
      const j = await info(dir, ['--json', 'nope.hex']);
      assert.equal(j.code, 66);
      assert.deepEqual((JSON.parse(j.out) as { ok: boolean; error: { code: string } }).error.code, 'FILE_NOT_FOUND');
    }));
});
