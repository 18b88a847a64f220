/** argv → invocation for the device-less commands, table-driven. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInvocation } from '../../src/cli/parse.js';
import type { Invocation } from '../../src/cli/invocation.js';
import { DfuFlashError } from '../../src/shared/errors.js';

const CWD = '/work/proj';
const OUT = { json: false, quiet: false, verbose: 0 };

const cases: { argv: string[]; expected: Invocation }[] = [
  { argv: ['info', 'fw.hex'], expected: { command: 'info', file: '/work/proj/fw.hex', format: 'auto', output: OUT } },
  { argv: ['info', '--format', 'srec', '--json', '/abs/fw.mot'], expected: { command: 'info', file: '/abs/fw.mot', format: 'srec', output: { ...OUT, json: true } } },
  { argv: ['info', '-v', 'fw.hex'], expected: { command: 'info', file: '/work/proj/fw.hex', format: 'auto', output: { ...OUT, verbose: 1 } } },
  {
    argv: ['suffix', 'add', 'fw.bin'],
    expected: { command: 'suffix', action: 'add', request: { file: '/work/proj/fw.bin', force: false, fields: {} }, output: OUT },
  },
  {
    argv: ['suffix', 'add', '-v', '0483', '-p', '0xDF11', '-d', '2200', '-S', '011a', '-o', 'out/fw.dfu', 'fw.bin'],
    expected: {
      command: 'suffix',
      action: 'add',
      request: { file: '/work/proj/fw.bin', output: '/work/proj/out/fw.dfu', force: false, fields: { idVendor: 0x0483, idProduct: 0xdf11, bcdDevice: 0x2200, bcdDFU: 0x011a } },
      output: OUT,
    },
  },
  {
    argv: ['suffix', 'add', '--vid', 'ffff', '--verbose', 'fw.bin'],
    expected: { command: 'suffix', action: 'add', request: { file: '/work/proj/fw.bin', force: false, fields: { idVendor: 0xffff } }, output: { ...OUT, verbose: 1 } },
  },
  { argv: ['suffix', 'check', '--json', 'fw.dfu'], expected: { command: 'suffix', action: 'check', request: { file: '/work/proj/fw.dfu' }, output: { ...OUT, json: true } } },
  {
    argv: ['suffix', 'remove', '-o', 'p.bin', '-f', '-q', 'fw.dfu'],
    expected: { command: 'suffix', action: 'remove', request: { file: '/work/proj/fw.dfu', output: '/work/proj/p.bin', force: true }, output: { ...OUT, quiet: true } },
  },
  {
    argv: ['convert', 'fw.elf', '-o', 'fw.bin'],
    expected: { command: 'convert', request: { input: '/work/proj/fw.elf', output: '/work/proj/fw.bin', to: 'bin', force: false }, output: OUT },
  },
  {
    argv: ['convert', 'fw.bin', '--address', '0x08004000', '--to', 'dfu', '-o', 'fw.out', '--alt', '1', '--vid', '1209', '--pid', 'db42', '--device-bcd', '0x0111', '--target-name', 'App', '--image-size', 'dfuse-pack', '--format', 'bin', '--force'],
    expected: {
      command: 'convert',
      request: {
        input: '/work/proj/fw.bin',
        output: '/work/proj/fw.out',
        to: 'dfu',
        force: true,
        format: 'bin',
        address: 0x08004000,
        alt: 1,
        idVendor: 0x1209,
        idProduct: 0xdb42,
        bcdDevice: 0x0111,
        targetName: 'App',
        imageSizeConvention: 'dfuse-pack',
      },
      output: OUT,
    },
  },
  {
    argv: ['convert', 'fw.dfu', '-o', 'OUT.HEX', '--gap-fill', '0'],
    expected: { command: 'convert', request: { input: '/work/proj/fw.dfu', output: '/work/proj/OUT.HEX', to: 'hex', force: false, gapFill: 0 }, output: OUT },
  },
  { argv: ['convert', 'a.hex', '-o', 'b.s19'], expected: { command: 'convert', request: { input: '/work/proj/a.hex', output: '/work/proj/b.s19', to: 'srec', force: false }, output: OUT } },
  { argv: ['udev-rules'], expected: { command: 'udev-rules', install: false, output: OUT } },
  { argv: ['udev-rules', '--install', '-q'], expected: { command: 'udev-rules', install: true, output: { ...OUT, quiet: true } } },
  { argv: ['doctor'], expected: { command: 'doctor', output: OUT } },
  {
    argv: ['doctor', '--json', '--simulate', 'dapboot', '--sim-time-scale', '0'],
    expected: { command: 'doctor', output: { ...OUT, json: true }, sim: { profiles: ['dapboot'], timeScale: 0 } },
  },
  { argv: ['completion', 'fish'], expected: { command: 'completion', shell: 'fish', output: OUT } },
];

describe('argv → invocation', () => {
  for (const c of cases) {
    test(c.argv.join(' '), async () => {
      assert.deepEqual(await parseInvocation(c.argv, { cwd: CWD }), { kind: 'invocation', invocation: c.expected });
    });
  }
});

describe('refused before anything runs', () => {
  const bad: [string[], RegExp][] = [
    [['info'], /missing required argument 'file'/],
    [['convert', 'a.hex', '-o', 'b.bin', '--address', '010'], /a leading 0 is ambiguous/],
    [['convert', 'a.hex', '-o', 'b.bin', '--alt', '256'], /invalid --alt value "256": out of range \(0\.\.255\)/],
    [['convert', 'a.hex', '-o', 'b.bin', '--device-bcd', '12345'], /invalid --device-bcd value "12345"/],
    [['suffix', 'check', '-o', 'x', 'f'], /"suffix check" writes nothing/],
    [['udev-rules', '--instal'], /unknown option '--instal'/],
    [['doctor', '--sim-state', 'x.json'], /unknown option '--sim-state'/],
    [['completion'], /missing required argument 'shell'/],
  ];
  for (const [argv, message] of bad) {
    test(argv.join(' '), async () => {
      await assert.rejects(parseInvocation(argv, { cwd: CWD }), (e: unknown) => {
        assert.ok(e instanceof DfuFlashError);
        assert.equal(e.code, 'USAGE');
        assert.match(e.message, message);
        assert.ok(e.hint);
        return true;
      });
    });
  }
});
