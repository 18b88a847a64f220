/**
 * dfu-util 0.11's own tools as the reference peer: our suffix and DfuSe
 * writers reproduce their output files byte for byte (parameters read from
 * the command lines in generated/commands.log), and our parsers report what
 * `dfu-suffix -c` and `dfuse-pack -d` reported.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { addDfuSuffix, appendDfuSuffix, parseDfuSuffix, removeDfuSuffix } from '../../src/formats/dfu-suffix.js';
import { buildDfuseFile, inspectDfuseFile, type DfuseTargetInput } from '../../src/formats/dfuse-file.js';
import { parseSrec } from '../../src/formats/srec.js';
import { expectFormatError } from '../unit/formats/helpers.js';
import { listReal, readReal, readRealText, realDir, skipUnlessReal } from './real-fixtures.js';
import { dfusePackDump, hexValue, parseToolLog, splitOptions, suffixReport, type LoggedCommand } from './tool-log.js';
import { describeOrSkip } from '../support/describe-or-skip.js';

const real = skipUnlessReal.skip === false;
const log: LoggedCommand[] = real ? parseToolLog(readRealText('generated/commands.log')) : [];
const gen = (p: string) => `generated/${p}`;

/** Where each file was copied from (`$ cp a b`), so "modified in place" commands know their input. */
const copiedFrom = new Map<string, string>();
for (const c of log) if (c.argv[0] === 'cp' && c.argv.length === 3) copiedFrom.set(c.argv[2]!, c.argv[1]!);

function definedFields(fields: Record<string, number | undefined>): Record<string, number> {
  return Object.fromEntries(Object.entries(fields).filter((e): e is [string, number] => e[1] !== undefined));
}

describeOrSkip('dfu-suffix: byte-identical output', skipUnlessReal.skip, () => {
  const adds = log.filter((c) => c.argv[0] === 'dfu-suffix' && c.argv.includes('-a') && c.argv.at(-1)!.startsWith('suffix/'));

  test('commands.log covers every generated/suffix/*.dfu', () => {
    const made = adds.filter((c) => c.exit === 0).map((c) => gen(c.argv.at(-1)!));
    assert.deepEqual(made.sort(), listReal('generated/suffix').filter((p) => p.endsWith('.dfu')));
  });

  for (const c of adds) {
    const out = c.argv.at(-1)!;
    const input = copiedFrom.get(out);
    test(`${c.argv.join(' ')}  (exit ${c.exit})`, () => {
      assert.ok(input !== undefined, `no cp before ${out}`);
      const { options } = splitOptions(c.argv, ['-v', '-p', '-d', '-S']);
      const opt = (flag: string) => (options.has(flag) ? hexValue(options.get(flag)![0]!) : undefined);
      const fields = { idVendor: opt('-v'), idProduct: opt('-p'), bcdDevice: opt('-d'), bcdDFU: opt('-S') };
      const payload = readReal(gen(input));
      if (c.exit === 0 && payload.length === 0) {
        // The one deliberate difference: dfu-flash adds no suffix to an empty file (nothing to flash); the writer underneath agrees.
        expectFormatError(() => addDfuSuffix(payload, fields), 'the file is empty: there is no firmware to add a DFU suffix to');
        assert.deepEqual(appendDfuSuffix(payload, { bcdDevice: 0xffff, idProduct: 0xffff, idVendor: 0xffff, bcdDFU: 0x0100, ...definedFields(fields) }), readReal(gen(out)));
      } else if (c.exit === 0) {
        assert.deepEqual(addDfuSuffix(payload, fields), readReal(gen(out)));
      } else {
        // "Please remove existing DFU suffix before adding a new one." (exit 65)
        assert.equal(c.exit, 65);
        expectFormatError(() => addDfuSuffix(payload, fields), 'already ends in a DFU suffix');
      }
    });
  }

  test('dfu-suffix -D: removeDfuSuffix gives the same bytes, equal to the original input', () => {
    const removes = log.filter((c) => c.argv[0] === 'dfu-suffix' && c.argv[1] === '-D');
    assert.equal(removes.length, 1);
    const out = removes[0]!.argv[2]!;
    const stripped = removeDfuSuffix(readReal(gen(copiedFrom.get(out)!)));
    assert.deepEqual(stripped, readReal(gen(out)));
    assert.deepEqual(stripped, readReal('generated/inputs/random_1000.bin'));
  });
});

describeOrSkip('dfuse-pack: byte-identical output', skipUnlessReal.skip, () => {
  const packs = log.filter((c) => c.argv[0] === 'dfuse-pack' && !c.argv.includes('-d'));

  /** dfuse-pack -b ADDR[@ALT]:FILE groups elements into one Target per alt, in order of first use. */
  function targetsOf(c: LoggedCommand): { targets: DfuseTargetInput[]; idVendor?: number; idProduct?: number } {
    const { options } = splitOptions(c.argv, ['-b', '-D', '-a', '-s']);
    const defaultAlt = options.has('-a') ? Number(options.get('-a')![0]) : 0;
    const targets: DfuseTargetInput[] = [];
    const target = (alt: number, name = 'ST...') => {
      let t = targets.find((x) => x.alternateSetting === alt);
      if (t === undefined) targets.push((t = { alternateSetting: alt, name, segments: [] }));
      return t;
    };
    for (const spec of options.get('-b') ?? []) {
      const m = /^(0x[0-9a-fA-F]+)(?:@(\d+))?:(.+)$/.exec(spec);
      assert.ok(m, `cannot read -b ${spec}`);
      target(m[2] === undefined ? defaultAlt : Number(m[2])).segments.push({ address: parseInt(m[1]!, 16), data: readReal(gen(m[3]!)) });
    }
    for (const file of options.get('-s') ?? []) {
      const image = parseSrec(readReal(join('generated', file)), { fileName: file });
      target(defaultAlt, image.header).segments.push(...image.segments);
    }
    const ids = options.get('-D')?.[0]?.split(':').map((v) => parseInt(v, 16));
    return { targets, idVendor: ids?.[0], idProduct: ids?.[1] };
  }

  test('commands.log covers every generated/dfuse-pack/*.dfu', () => {
    const made = new Set(packs.filter((c) => c.exit === 0).map((c) => gen(c.argv.at(-1)!)));
    assert.deepEqual([...made].sort(), listReal('generated/dfuse-pack'));
  });

  for (const c of packs.filter((x) => x.exit === 0)) {
    test(c.argv.join(' '), () => {
      const { targets, idVendor, idProduct } = targetsOf(c);
      const file = buildDfuseFile(targets, { idVendor, idProduct, imageSizeConvention: 'dfuse-pack' });
      assert.deepEqual(file, readReal(gen(c.argv.at(-1)!)));
    });
  }

  test('the ST convention differs only in DFUImageSize and the CRC', () => {
    const { targets } = targetsOf(packs.find((c) => c.exit === 0 && c.argv.at(-1) === 'dfuse-pack/three_elements_gaps.dfu')!);
    const a = buildDfuseFile(targets, { imageSizeConvention: 'dfuse-pack' });
    const b = buildDfuseFile(targets, { imageSizeConvention: 'st' });
    const differing = [...a.keys()].filter((i) => a[i] !== b[i]);
    assert.ok(differing.every((i) => (i >= 6 && i < 10) || i >= a.length - 4), `differences at ${differing.join(',')}`);
    assert.equal(inspectDfuseFile(b).imageSize, a.length - 16);
  });
});

describeOrSkip('our parsers agree with dfu-suffix -c and dfuse-pack -d', skipUnlessReal.skip, () => {
  const transcripts: [string, LoggedCommand[]][] = real
    ? [
        ['generated', log],
        ['.', parseToolLog(readRealText('generated/tool-output/real-files_dfu-suffix-c_and_dfuse-pack-d.txt'))],
      ]
    : [];

  for (const [base, commands] of transcripts) {
    // (check_123456789_add_twice.dfu was checked by the tool but not kept: the tool refused to change it.)
    const checks = commands.filter((x) => x.argv[0] === 'dfu-suffix' && x.argv[1] === '-c' && existsSync(join(realDir, base, x.argv[2]!)));
    for (const c of checks) {
      const path = join(base, c.argv[2]!);
      test(`dfu-suffix -c ${path}`, () => {
        const split = parseDfuSuffix(readReal(path));
        assert.deepEqual(split?.suffix, suffixReport(c.output));
      });
    }
    for (const c of commands.filter((x) => x.argv[0] === 'dfuse-pack' && x.argv[1] === '-d')) {
      const path = join(base, c.argv[2]!);
      test(`dfuse-pack -d ${path}`, () => {
        const dump = dfusePackDump(c.output);
        const info = inspectDfuseFile(readReal(path));
        assert.equal(info.imageSize, dump.imageSize);
        assert.deepEqual(info.suffix, dump.suffix);
        assert.deepEqual(
          info.targets.map((t) => ({ alternateSetting: t.alternateSetting, name: t.name, targetSize: t.targetSize, elements: t.elements.map((e): [number, number] => [e.address, e.data.length]) })),
          dump.targets,
        );
      });
    }
  }
});

describeOrSkip('test-vectors.md: real-file CRCs', skipUnlessReal.skip, () => {
  const text = real ? readRealText(join('..', '..', 'research', 'test-vectors.md')) : '';
  const rows = [...text.matchAll(/^\| `([^`]+)` \| ([0-9a-f]{4}):([0-9a-f]{4}) dev ([0-9a-f]{4}) ([0-9a-f]{4}) \| 0x([0-9A-F]{8}) \|$/gm)];
  test('the table has the 8 files', () => assert.equal(rows.length, 8));
  for (const r of rows) {
    test(r[1]!, () => {
      const split = parseDfuSuffix(readReal(r[1]!));
      assert.deepEqual(split?.suffix, {
        idVendor: parseInt(r[2]!, 16),
        idProduct: parseInt(r[3]!, 16),
        bcdDevice: parseInt(r[4]!, 16),
        bcdDFU: parseInt(r[5]!, 16),
        length: 16,
        crc: parseInt(r[6]!, 16),
      });
    });
  }
});
