/**
 * `dfu-flash suffix` against dfu-suffix 0.11: every `dfu-suffix -a/-D/-c` run
 * recorded in ../shared/fixtures/real/generated/commands.log is replayed with
 * the same flags, and the result compared byte for byte (and field by field).
 * When dfu-suffix itself is installed, random payloads are compared live.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../src/cli/main.js';
import { memoryIo } from './helpers.js';
import { GENERATED, HAVE_GENERATED, listDir, withTempDir } from './tmp-dir.js';
import { describeOrSkip } from '../support/describe-or-skip.js';

const SKIP = HAVE_GENERATED ? false : 'no ../shared/fixtures/real/generated (reference outputs of dfu-util 0.11)';

interface AddRun {
  input: string;
  output: string;
  flags: string[];
  exit: number;
}

/** `$ cp inputs/X suffix/Y` followed by `$ dfu-suffix FLAGS -a suffix/Y` and its `[exit N]`. */
function recordedRuns(): { adds: AddRun[]; checks: Map<string, Record<string, string>> } {
  if (!HAVE_GENERATED) return { adds: [], checks: new Map() };
  const lines = readFileSync(join(GENERATED, 'commands.log'), 'utf8').split('\n');
  const adds: AddRun[] = [];
  const checks = new Map<string, Record<string, string>>();
  const copies = new Map<string, string>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const cp = /^\$ cp (\S+) (suffix\/\S+)$/.exec(line);
    if (cp) copies.set(cp[2]!, cp[1]!);
    const add = /^\$ dfu-suffix (.*)-a (suffix\/\S+)$/.exec(line);
    if (add) {
      const exitLine = lines.slice(i + 1, i + 4).find((l) => /\[exit \d+\]/.test(l));
      const from = copies.get(add[2]!);
      if (from !== undefined && exitLine !== undefined) {
        adds.push({ input: from, output: add[2]!, flags: add[1]!.trim().split(/\s+/).filter((f) => f !== ''), exit: Number(/\[exit (\d+)\]/.exec(exitLine)![1]) });
      }
    }
    const check = /^\$ dfu-suffix -c (suffix\/\S+)$/.exec(line);
    if (check) {
      const fields: Record<string, string> = {};
      for (const l of lines.slice(i + 1, i + 9)) {
        const m = /^\s+(BCD device|Product ID|Vendor ID|BCD DFU|Length|CRC):\s+(\S+)$/.exec(l);
        if (m) fields[m[1]!] = m[2]!;
      }
      checks.set(check[1]!, fields);
    }
  }
  return { adds, checks };
}

const { adds, checks } = recordedRuns();

describeOrSkip('suffix add: byte-identical to dfu-suffix -a', SKIP, () => {
  test('the transcript has the runs this suite replays', () => {
    assert.ok(adds.length >= 12, `found ${adds.length} dfu-suffix -a runs`);
    assert.ok(adds.some((a) => a.exit === 65), 'including the refused second suffix');
  });
  for (const recorded of adds) {
    // One deliberate difference: dfu-suffix adds a suffix to an empty file; dfu-flash refuses it (nothing to flash).
    const a = recorded.input === 'inputs/empty.bin' ? { ...recorded, exit: 65 } : recorded;
    test(`${a.flags.join(' ') || '(defaults)'} ${a.output}${a === recorded ? '' : ' (refused: empty)'}`, () =>
      withTempDir(async (dir) => {
        const file = join(dir, 'fw.dfu');
        await copyFile(join(GENERATED, a.input), file);
        const before = await readFile(file);
        const io = memoryIo({ cwd: dir });
        const code = await run(['suffix', 'add', ...a.flags, 'fw.dfu'], io);
        assert.equal(code, a.exit, io.err());
        if (a.exit === 0) {
          if (existsSync(join(GENERATED, a.output))) assert.deepEqual(await readFile(file), await readFile(join(GENERATED, a.output)));
          assert.match(io.err(), /^Added a DFU suffix to fw\.dfu: [0-9a-f]{4}:[0-9a-f]{4}, bcdDevice 0x[0-9a-f]{4}, bcdDFU 0x[0-9a-f]{4}, dwCRC 0x[0-9a-f]{8} \(\d+ bytes\)\n$/);
        } else {
          assert.deepEqual(await readFile(file), before, 'a refused add leaves the file alone');
          const message = a === recorded ? /^dfu-flash: error: fw\.dfu already has a DFU suffix \(ffff:ffff, dwCRC 0x0f654b16\)\n {2}hint: remove it first/ : /^dfu-flash: error: \S*fw\.dfu is empty: there is no firmware to add a DFU suffix to\n {2}hint: check that the build produced the firmware\n$/;
          assert.match(io.err(), message);
        }
        assert.equal(io.out(), '');
        assert.deepEqual(await listDir(dir), ['fw.dfu'], 'no temporary file left behind');
      }));
  }
});

describeOrSkip('suffix check: the fields dfu-suffix -c printed', SKIP, () => {
  for (const [file, fields] of checks) {
    if (!existsSync(join(GENERATED, file))) continue;
    test(file, async () => {
      const io = memoryIo({ cwd: GENERATED });
      assert.equal(await run(['suffix', 'check', '--json', file], io), 0, io.err());
      const r = JSON.parse(io.out()) as { suffix: { bcdDevice: number; idProduct: number; idVendor: number; bcdDFU: number; length: number; crc: number; crcOk: boolean } };
      const hex = (n: number) => '0x' + n.toString(16).toUpperCase().padStart(4, '0');
      assert.deepEqual(
        { 'BCD device': hex(r.suffix.bcdDevice), 'Product ID': hex(r.suffix.idProduct), 'Vendor ID': hex(r.suffix.idVendor), 'BCD DFU': hex(r.suffix.bcdDFU), Length: String(r.suffix.length), CRC: '0x' + r.suffix.crc.toString(16).toUpperCase().padStart(8, '0') },
        fields,
      );
      assert.equal(r.suffix.crcOk, true);
    });
  }

  test('the text form', async () => {
    const io = memoryIo({ cwd: GENERATED });
    assert.equal(await run(['suffix', 'check', 'suffix/check_123456789_v0483_pdf11_d2200_S011a.dfu'], io), 0);
    assert.equal(
      io.out(),
      'suffix/check_123456789_v0483_pdf11_d2200_S011a.dfu: DFU suffix, 9 bytes of payload\n' +
        '  idVendor   0x0483\n  idProduct  0xdf11\n  bcdDevice  0x2200\n  bcdDFU     0x011a\n  bLength    16\n  dwCRC      0x69a6ebaf (ok)\n',
    );
    assert.equal(io.err(), '');
  });

  test('exit 65 without a valid suffix, as dfu-suffix -c', () =>
    withTempDir(async (dir) => {
      await writeFile(join(dir, 'plain.bin'), new Uint8Array(64));
      await writeFile(join(dir, 'short.bin'), new Uint8Array(3));
      const damaged = new Uint8Array(await readFile(join(GENERATED, 'suffix', 'check_123456789_default.dfu')));
      damaged[0] ^= 1;
      await writeFile(join(dir, 'damaged.dfu'), damaged);
      const cases: [string, RegExp][] = [
        ['plain.bin', /^dfu-flash: error: plain\.bin: no DFU suffix \(the 'UFD' signature is missing from the last 16 bytes\)\n {2}hint: add one with: dfu-flash suffix add -v VID -p PID plain\.bin\n$/],
        ['short.bin', /^dfu-flash: error: short\.bin: 3 bytes is too short for a DFU suffix \(16 bytes\)\n/],
        ['damaged.dfu', /^dfu-flash: error: damaged\.dfu: DFU suffix .*: dwCRC is 0x0f654b16, expected 0x[0-9a-f]{8} \(CRC of the first 21 bytes\)\n/],
      ];
      for (const [name, message] of cases) {
        const io = memoryIo({ cwd: dir });
        assert.equal(await run(['suffix', 'check', name], io), 65, name);
        assert.match(io.err(), message);
        assert.equal(io.out(), '');
      }
    }));
});

describeOrSkip('suffix remove', SKIP, () => {
  test('in place: byte-identical to dfu-suffix -D', () =>
    withTempDir(async (dir) => {
      await copyFile(join(GENERATED, 'suffix', 'random_1000_v2341_p035b_dffff.dfu'), join(dir, 'fw.dfu'));
      const io = memoryIo({ cwd: dir });
      assert.equal(await run(['suffix', 'remove', 'fw.dfu'], io), 0, io.err());
      assert.deepEqual(await readFile(join(dir, 'fw.dfu')), await readFile(join(GENERATED, 'suffix', 'random_1000_suffix_deleted.bin')));
      assert.equal(io.err(), 'Removed the DFU suffix (2341:035b) from fw.dfu: 1000 bytes of payload\n');
    }));

  test('-o writes elsewhere, refuses to overwrite, --force does', () =>
    withTempDir(async (dir) => {
      await copyFile(join(GENERATED, 'suffix', 'random_1000_v2341_p035b_dffff.dfu'), join(dir, 'fw.dfu'));
      const original = await readFile(join(dir, 'fw.dfu'));
      const first = memoryIo({ cwd: dir });
      assert.equal(await run(['suffix', 'remove', '-o', 'payload.bin', 'fw.dfu'], first), 0, first.err());
      assert.equal(first.err(), 'Removed the DFU suffix (2341:035b) from fw.dfu → payload.bin: 1000 bytes of payload\n');
      assert.deepEqual(await readFile(join(dir, 'fw.dfu')), original, 'the input is untouched');
      const again = memoryIo({ cwd: dir });
      assert.equal(await run(['suffix', 'remove', '-o', 'payload.bin', 'fw.dfu'], again), 73);
      assert.match(again.err(), /already exists\n {2}hint: choose another name, or add --force to replace it\n$/);
      assert.equal(await run(['suffix', 'remove', '-o', 'payload.bin', '--force', 'fw.dfu'], memoryIo({ cwd: dir })), 0);
      assert.deepEqual(await listDir(dir), ['fw.dfu', 'payload.bin']);
    }));

  test('--json result', () =>
    withTempDir(async (dir) => {
      await copyFile(join(GENERATED, 'suffix', 'zeros_2048_v28e9_p0189.dfu'), join(dir, 'z.dfu'));
      const io = memoryIo({ cwd: dir });
      assert.equal(await run(['suffix', 'remove', '--json', 'z.dfu'], io), 0);
      assert.deepEqual(JSON.parse(io.out()), {
        type: 'result',
        ok: true,
        operation: 'suffix',
        action: 'remove',
        file: join(dir, 'z.dfu'),
        output: join(dir, 'z.dfu'),
        inBytes: 2064,
        outBytes: 2048,
        suffix: { bcdDevice: 0xffff, bcdDeviceHex: '0xffff', idProduct: 0x0189, idProductHex: '0x0189', idVendor: 0x28e9, idVendorHex: '0x28e9', bcdDFU: 0x0100, bcdDFUHex: '0x0100', length: 16, crc: 0x64daf408, crcOk: true },
      });
      assert.equal(io.err(), '');
    }));
});

describe('suffix usage errors', () => {
  const cases: [string[], RegExp][] = [
    [['suffix', 'add', '-v', '12345', 'f'], /^dfu-flash: error: invalid -v\/--vid value "12345": not a 16-bit hexadecimal value\n/],
    [['suffix', 'add', '-p', 'xyz', 'f'], /^dfu-flash: error: invalid -p\/--pid value "xyz"/],
    [['suffix', 'check', '-v', '0483', 'f'], /they do not apply to "suffix check"/],
    [['suffix', 'remove', '--force', 'f'], /--force only matters with -o/],
    [['suffix', 'add', '-S', '0110', 'f'], /^dfu-flash: error: invalid -S\/--spec value "0110": a DFU suffix's bcdDFU is 0100 \(DFU\) or 011a \(DfuSe\)\n/],
    [['suffix', 'strip', 'f'], /^dfu-flash: error: command-argument value 'strip' is invalid for argument 'action'\. Allowed choices are add, check, remove\.\n/],
  ];
  for (const [argv, message] of cases) {
    test(argv.join(' '), async () => {
      const io = memoryIo();
      assert.equal(await run(argv, io), 64);
      assert.match(io.err(), message);
    });
  }
});

const DFU_SUFFIX = spawnSync('dfu-suffix', ['-V'], { encoding: 'utf8' }).status === 0 ? 'dfu-suffix' : undefined;

describeOrSkip('live against dfu-suffix', DFU_SUFFIX === undefined ? 'dfu-suffix is not installed' : false, () => {
  test('random payloads and ids: the same bytes', () =>
    withTempDir(async (dir) => {
      let seed = 12345;
      const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
      for (let i = 0; i < 12; i++) {
        const payload = new Uint8Array(next() % 3000).map(() => next() & 0xff);
        const flags = [
          ['-v', (next() & 0xffff).toString(16)],
          ['-p', '0x' + (next() & 0xffff).toString(16)],
          ['-d', (next() & 0xffff).toString(16).padStart(4, '0')],
          ['-S', next() % 2 === 0 ? '0100' : '0x011A'],
        ].filter(() => next() % 3 !== 0);
        await writeFile(join(dir, 'theirs.bin'), payload);
        await writeFile(join(dir, 'ours.bin'), payload);
        const theirs = spawnSync(DFU_SUFFIX!, [...flags.flat(), '-a', join(dir, 'theirs.bin')], { encoding: 'utf8' });
        assert.equal(theirs.status, 0, theirs.stderr);
        const io = memoryIo({ cwd: dir });
        assert.equal(await run(['suffix', 'add', ...flags.flat(), 'ours.bin'], io), 0, io.err());
        assert.deepEqual(await readFile(join(dir, 'ours.bin')), await readFile(join(dir, 'theirs.bin')), flags.flat().join(' '));
      }
    }));
});
