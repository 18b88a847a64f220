/**
 * `dfu-flash convert`: real files in, compared with what objcopy and
 * dfu-util's dfuse-pack made of the same inputs; exit codes; --json; never a
 * half-written or clobbered output.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../src/cli/main.js';
import { parseFirmware } from '../../src/formats/index.js';
import { memoryIo } from './helpers.js';
import { FORMATS, GENERATED, HAVE_GENERATED, HAVE_REAL, REAL, listDir, withTempDir } from './tmp-dir.js';
import { describeOrSkip } from '../support/describe-or-skip.js';

const NO_GENERATED = HAVE_GENERATED ? false : 'no ../shared/fixtures/real/generated/dfuse-pack (dfu-util 0.11 reference outputs)';

async function convert(dir: string, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo({ cwd: dir });
  const code = await run(['convert', ...argv], io);
  return { code, out: io.out(), err: io.err() };
}

describeOrSkip('convert → .dfu equals dfuse-pack', NO_GENERATED, () => {
  const cases: { name: string; argv: (dir: string) => string[]; expected: string }[] = [
    {
      name: 'raw binary at an address (dfuse-pack -b 0x08000000:vectors_like_256.bin)',
      argv: () => [join(GENERATED, 'inputs', 'vectors_like_256.bin'), '--address', '0x08000000', '--image-size', 'dfuse-pack', '-o', 'out.dfu'],
      expected: 'dfuse-pack/single_element_0x08000000.dfu',
    },
    {
      name: 'raw binary with --vid/--pid (dfuse-pack -D 0x1209:0xdb42 -b 0x08002000:random_1000.bin)',
      argv: () => [join(GENERATED, 'inputs', 'random_1000.bin'), '--address', '0x08002000', '--vid', '1209', '--pid', '0xdb42', '--image-size', 'dfuse-pack', '-o', 'out.dfu'],
      expected: 'dfuse-pack/single_element_vid1209_pid_db42.dfu',
    },
    {
      name: 'raw binary to alt 2 (dfuse-pack -a 2 -b 0x90000000:zeros_2048.bin)',
      argv: () => [join(GENERATED, 'inputs', 'zeros_2048.bin'), '--address', '0x90000000', '--alt', '2', '--image-size', 'dfuse-pack', '-o', 'out.dfu'],
      expected: 'dfuse-pack/alt2_default_alt_option.dfu',
    },
    {
      name: 'S-record, target named after the S0 header (dfuse-pack -s stm32cubeide-f103-blink.srec)',
      argv: () => [join(REAL, 'srec', 'stm32cubeide-f103-blink.srec'), '--image-size', 'dfuse-pack', '-o', 'out.dfu'],
      expected: 'dfuse-pack/from_srec_stm32cubeide-f103-blink.dfu',
    },
    {
      name: 'a DfuSe file keeps its three targets and four elements',
      argv: () => [join(GENERATED, 'dfuse-pack', 'three_targets_four_elements.dfu'), '-o', 'out.dfu'],
      expected: 'dfuse-pack/three_targets_four_elements.dfu',
    },
  ];
  for (const c of cases) {
    test(c.name, () =>
      withTempDir(async (dir) => {
        const r = await convert(dir, c.argv(dir));
        assert.equal(r.code, 0, r.err);
        assert.deepEqual(await readFile(join(dir, 'out.dfu')), await readFile(join(GENERATED, c.expected)));
        assert.equal(r.out, '');
        assert.deepEqual(await listDir(dir), ['out.dfu']);
      }));
  }

  test("default DFUImageSize is ST's: only that field and the CRC differ from dfuse-pack", () =>
    withTempDir(async (dir) => {
      const r = await convert(dir, [join(GENERATED, 'inputs', 'vectors_like_256.bin'), '--address', '0x08000000', '-o', 'st.dfu']);
      assert.equal(r.code, 0, r.err);
      assert.equal(r.err, `Converted ${join(GENERATED, 'inputs', 'vectors_like_256.bin')} (raw binary, 256 bytes of data in 1 segment) to st.dfu (DfuSe .dfu, 565 bytes, 1 target (alt 0))\n`);
      const ours = new Uint8Array(await readFile(join(dir, 'st.dfu')));
      const theirs = new Uint8Array(await readFile(join(GENERATED, 'dfuse-pack', 'single_element_0x08000000.dfu')));
      const differ = [...ours.keys()].filter((i) => ours[i] !== theirs[i]);
      assert.equal(new DataView(ours.buffer).getUint32(6, true), 565 - 16);
      assert.ok(differ.every((i) => (i >= 6 && i < 10) || i >= ours.length - 4), `bytes differ at ${differ.join(', ')}`);
    }));
});

describe('convert to hex, srec, bin', () => {
  test('S-record → Intel HEX: the records objcopy wrote (line ends aside)', () =>
    withTempDir(async (dir) => {
      const r = await convert(dir, [join(FORMATS, 'pattern-100_s3.srec'), '-o', 'p.hex']);
      assert.equal(r.code, 0, r.err);
      const expected = (await readFile(join(FORMATS, 'pattern-100_0x0800ffd0.hex'), 'utf8')).replace(/\r\n/g, '\n');
      assert.equal(await readFile(join(dir, 'p.hex'), 'utf8'), expected);
    }));

  test('Intel HEX → S-record: the data and start records objcopy wrote', () =>
    withTempDir(async (dir) => {
      const r = await convert(dir, [join(FORMATS, 'pattern-100_0x0800ffd0.hex'), '--to', 'srec', '-o', 'p.mot']);
      assert.equal(r.code, 0, r.err);
      const records = (text: string) => text.replace(/\r\n/g, '\n').split('\n').filter((l) => /^S[1-9]/.test(l));
      assert.deepEqual(records(await readFile(join(dir, 'p.mot'), 'utf8')), records(await readFile(join(FORMATS, 'pattern-100_s3.srec'), 'utf8')));
    }));

  test('ELF → bin equals objcopy -O binary', () =>
    withTempDir(async (dir) => {
      assert.equal((await convert(dir, [join(FORMATS, 'firmware-elf32.elf'), '-o', 'fw.bin'])).code, 0);
      assert.deepEqual(await readFile(join(dir, 'fw.bin')), await readFile(join(FORMATS, 'firmware-elf32.bin')));
    }));

  test('real ELF with .data at its load address → bin equals the build\'s .bin', { skip: HAVE_REAL ? false : 'no ../shared/fixtures/real' }, () =>
    withTempDir(async (dir) => {
      assert.equal((await convert(dir, [join(REAL, 'elf', 'jsc4-stm32f407-blink_data-lma-ne-vma.elf'), '-o', 'fw.bin'])).code, 0);
      assert.deepEqual(await readFile(join(dir, 'fw.bin')), await readFile(join(REAL, 'bin', 'jsc4-stm32f407-blink.bin')));
    }));

  test('DfuSe with gaps → bin: flattened, gaps filled with --gap-fill', { skip: NO_GENERATED }, () =>
    withTempDir(async (dir) => {
      assert.equal((await convert(dir, [join(GENERATED, 'dfuse-pack', 'three_elements_gaps.dfu'), '--gap-fill', '0x00', '-o', 'g.bin'])).code, 0);
      const flat = new Uint8Array(await readFile(join(dir, 'g.bin')));
      const parts: [number, string][] = [
        [0x0000, 'pattern_00-ff_256.bin'],
        [0x4000, 'random_1000.bin'],
        [0x20000, 'random_4099.bin'],
      ];
      assert.equal(flat.length, 0x20000 + 4099);
      for (const [offset, name] of parts) {
        const data = new Uint8Array(await readFile(join(GENERATED, 'inputs', name)));
        assert.deepEqual(flat.subarray(offset, offset + data.length), data, name);
      }
      assert.ok(flat.subarray(256, 0x4000).every((b) => b === 0), 'gap filled with 0x00');
    }));

  test('a DFU-suffixed binary → hex at --address drops the suffix', { skip: NO_GENERATED }, () =>
    withTempDir(async (dir) => {
      assert.equal((await convert(dir, [join(GENERATED, 'suffix', 'pattern_256_v1209_pdb42_d0111.dfu'), '--address', '0x08002000', '-o', 'p.hex'])).code, 0);
      const img = parseFirmware(new Uint8Array(await readFile(join(dir, 'p.hex'))), { format: 'ihex' });
      assert.deepEqual(img.segments, [{ address: 0x08002000, data: new Uint8Array(await readFile(join(GENERATED, 'inputs', 'pattern_00-ff_256.bin'))) }]);
    }));
});

describe('convert: refusals and exit codes', () => {
  test('exit statuses with their messages; nothing is written', () =>
    withTempDir(async (dir) => {
      await writeFile(join(dir, 'bad.hex'), ':020000040800F2\n:10000000FFFF\n');
      await writeFile(join(dir, 'exists.bin'), 'keep');
      const cases: { argv: string[]; code: number; err: RegExp }[] = [
        { argv: ['missing.hex', '-o', 'x.bin'], code: 66, err: /^dfu-flash: error: .*missing\.hex: no such file\n/ },
        { argv: ['bad.hex', '-o', 'x.bin'], code: 65, err: /^dfu-flash: error: bad\.hex: line 2: / },
        { argv: [join(FORMATS, 'pattern-100.bin'), '-o', 'x.hex'], code: 64, err: /raw binary: it has no addresses, and a hex file needs them\n {2}hint: give the address of its first byte with --address/ },
        { argv: [join(FORMATS, 'pattern-100_s3.srec'), '-o', 'exists.bin'], code: 73, err: /exists\.bin already exists\n {2}hint: choose another name, or add --force/ },
        { argv: [join(FORMATS, 'pattern-100_s3.srec'), '-o', 'x.out'], code: 64, err: /cannot tell the output format from the name "x\.out"\n {2}hint: add --to bin, hex, srec or dfu/ },
        { argv: [join(FORMATS, 'pattern-100_s3.srec'), '-o', 'x.bin', '--to', 'elf'], code: 64, err: /argument 'elf' is invalid\. Allowed choices are bin, hex, srec, dfu/ },
        { argv: [join(FORMATS, 'pattern-100_s3.srec'), 'x.bin'], code: 64, err: /required option '-o, --output <file>' not specified/ },
        { argv: [join(FORMATS, 'pattern-100_s3.srec'), '-o', 'x.bin', '--gap-fill', '256'], code: 64, err: /invalid --gap-fill value "256": out of range \(0\.\.255\)/ },
        { argv: [join(FORMATS, 'pattern-100_s3.srec'), '-o', 'x.dfu', '--vid', 'g000'], code: 64, err: /invalid --vid value "g000"/ },
        { argv: [join(FORMATS, 'pattern-100_s3.srec'), '-o', 'missing-dir/x.bin'], code: 66, err: /folder does not exist/ },
      ];
      for (const c of cases) {
        const r = await convert(dir, c.argv);
        assert.equal(r.code, c.code, `${c.argv.join(' ')}: ${r.err}`);
        assert.match(r.err, c.err);
      }
      assert.deepEqual(await listDir(dir), ['bad.hex', 'exists.bin']);
      assert.equal(await readFile(join(dir, 'exists.bin'), 'utf8'), 'keep');
    }));

  test('--force replaces the output', () =>
    withTempDir(async (dir) => {
      await writeFile(join(dir, 'out.bin'), 'old');
      const r = await convert(dir, [join(FORMATS, 'pattern-100_s3.srec'), '-o', 'out.bin', '--force']);
      assert.equal(r.code, 0, r.err);
      assert.deepEqual(await readFile(join(dir, 'out.bin')), await readFile(join(FORMATS, 'pattern-100.bin')));
    }));

  test('--json result line', () =>
    withTempDir(async (dir) => {
      const r = await convert(dir, [join(FORMATS, 'firmware-elf32.elf'), '-o', 'fw.dfu', '--json', '--vid', '0483', '--pid', 'df11']);
      assert.equal(r.code, 0, r.err);
      assert.equal(r.err, '');
      const fileBytes = (await readFile(join(dir, 'fw.dfu'))).length;
      assert.deepEqual(JSON.parse(r.out), {
        type: 'result',
        ok: true,
        operation: 'convert',
        input: join(FORMATS, 'firmware-elf32.elf'),
        output: join(dir, 'fw.dfu'),
        from: 'elf',
        to: 'dfu',
        inBytes: (await readFile(join(FORMATS, 'firmware-elf32.elf'))).length,
        outBytes: fileBytes,
        dataBytes: 55,
        segments: [{ address: 0x08000000, addressHex: '0x08000000', length: 55 }],
        targets: [{ alternateSetting: 0, name: 'ST...', elements: 1, bytes: 55 }],
      });
      assert.equal(fileBytes, 11 + 274 + 8 + 55 + 16);
    }));
});
