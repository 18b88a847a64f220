/** argv → typed invocation, table-driven, every flag with dfu-util-style values. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInvocation } from '../../src/cli/parse.js';
import type { Invocation } from '../../src/cli/invocation.js';
import type { DfuseOptions } from '../../src/dfu/plan-types.js';

const CWD = '/work/proj';
const OUT = { json: false, quiet: false, verbose: 0 };
const NO_DFUSE: DfuseOptions = {
  address: undefined,
  length: undefined,
  leave: false,
  massErase: false,
  unprotect: false,
  willReset: false,
  force: false,
};
const ST = { vendorId: 0x0483, productId: 0xdf11 };

function dl(selector: object, extra: object = {}, output: object = OUT): Invocation {
  return { command: 'download', request: { selector, file: '/work/proj/fw.bin', reset: false, ...extra }, output } as Invocation;
}

const cases: { name: string; argv: string[]; expected: Invocation }[] = [
  { name: 'bare download', argv: ['download', 'fw.bin'], expected: dl({}) },
  {
    name: 'absolute file kept',
    argv: ['download', '/tmp/x/fw.bin'],
    expected: { command: 'download', request: { selector: {}, file: '/tmp/x/fw.bin', reset: false }, output: OUT },
  },
  {
    name: 'relative path with ..',
    argv: ['download', '../images/fw.bin'],
    expected: { command: 'download', request: { selector: {}, file: '/work/images/fw.bin', reset: false }, output: OUT },
  },
  // -d, dfu-util style
  { name: '-d vid:pid: run-time IDs, preferred in DFU mode too', argv: ['download', '-d', '0483:df11', 'fw.bin'], expected: dl({ runtimeIds: ST, dfuIds: ST, runtimeOnly: true }) },
  { name: '-d ,vid:pid = DFU mode only', argv: ['download', '-d', ',0483:df11', 'fw.bin'], expected: dl({ runtimeIds: null, dfuIds: ST }) },
  {
    name: '-d runtime,:pid (Black Magic Probe)',
    argv: ['download', '-d', '1d50:6018,:6017', 'fw.bin'],
    expected: dl({ runtimeIds: { vendorId: 0x1d50, productId: 0x6018 }, dfuIds: { productId: 0x6017 } }),
  },
  { name: '-d *:* matches any', argv: ['download', '-d', '*:*', 'fw.bin'], expected: dl({ runtimeIds: {}, dfuIds: {}, runtimeOnly: true }) },
  { name: '-d -,vid:pid (runtime none)', argv: ['download', '-d', '-,0483:df11', 'fw.bin'], expected: dl({ runtimeIds: null, dfuIds: ST }) },
  { name: '-d -:-,vid:pid', argv: ['download', '-d', '-:-,0483:df11', 'fw.bin'], expected: dl({ runtimeIds: null, dfuIds: ST }) },
  { name: '-d vendor only', argv: ['download', '-d', '0483', 'fw.bin'], expected: dl({ runtimeIds: { vendorId: 0x0483 }, dfuIds: { vendorId: 0x0483 }, runtimeOnly: true }) },
  { name: '-d :pid', argv: ['download', '-d', ':df11', 'fw.bin'], expected: dl({ runtimeIds: { productId: 0xdf11 }, dfuIds: { productId: 0xdf11 }, runtimeOnly: true }) },
  { name: '-d *:pid', argv: ['download', '-d', '*:df11', 'fw.bin'], expected: dl({ runtimeIds: { productId: 0xdf11 }, dfuIds: { productId: 0xdf11 }, runtimeOnly: true }) },
  {
    name: '-d runtime, (any DFU device)',
    argv: ['download', '-d', '1d50:6018,', 'fw.bin'],
    expected: dl({ runtimeIds: { vendorId: 0x1d50, productId: 0x6018 }, dfuIds: {} }),
  },
  { name: '-d with 0x and upper case', argv: ['download', '-d', '0x0483:0xDF11', 'fw.bin'], expected: dl({ runtimeIds: ST, dfuIds: ST, runtimeOnly: true }) },
  { name: '--device long form', argv: ['download', '--device', '0483:df11', 'fw.bin'], expected: dl({ runtimeIds: ST, dfuIds: ST, runtimeOnly: true }) },
  { name: '--device=value', argv: ['download', '--device=0483:df11', 'fw.bin'], expected: dl({ runtimeIds: ST, dfuIds: ST, runtimeOnly: true }) },
  // -a
  { name: '-a name', argv: ['download', '-a', 'Internal Flash', 'fw.bin'], expected: dl({ alt: 'Internal Flash' }) },
  { name: '-a number', argv: ['download', '-a', '2', 'fw.bin'], expected: dl({ alt: 2 }) },
  { name: '-a 0', argv: ['download', '-a', '0', 'fw.bin'], expected: dl({ alt: 0 }) },
  { name: '-a hex', argv: ['download', '-a', '0x1', 'fw.bin'], expected: dl({ alt: 1 }) },
  {
    name: '-a exact interface string, padding kept',
    argv: ['download', '-a', '@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg', 'fw.bin'],
    expected: dl({ alt: '@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg' }),
  },
  { name: '--alt=name', argv: ['download', '--alt=Option Bytes', 'fw.bin'], expected: dl({ alt: 'Option Bytes' }) },
  // -S
  { name: '-S runtime,dfu', argv: ['download', '-S', 'ABC,DEF', 'fw.bin'], expected: dl({ runtimeSerial: 'ABC', dfuSerial: 'DEF' }) },
  { name: '-S one value = both modes', argv: ['download', '-S', 'C2C89BDB', 'fw.bin'], expected: dl({ runtimeSerial: 'C2C89BDB', dfuSerial: 'C2C89BDB' }) },
  { name: '-S ,dfu only', argv: ['download', '-S', ',FFFFFFFEFFFF', 'fw.bin'], expected: dl({ dfuSerial: 'FFFFFFFEFFFF' }) },
  { name: '-S runtime, only', argv: ['download', '-S', 'ABC,', 'fw.bin'], expected: dl({ runtimeSerial: 'ABC' }) },
  { name: '--serial long form', argv: ['download', '--serial', 'ABC,DEF', 'fw.bin'], expected: dl({ runtimeSerial: 'ABC', dfuSerial: 'DEF' }) },
  // -p -c -i -n
  { name: '-p path', argv: ['download', '-p', '3-4.2', 'fw.bin'], expected: dl({ path: '3-4.2' }) },
  { name: '-p root port', argv: ['download', '--path', '1-1', 'fw.bin'], expected: dl({ path: '1-1' }) },
  { name: '-c cfg', argv: ['download', '-c', '1', 'fw.bin'], expected: dl({ cfg: 1 }) },
  { name: '-c 0 (any) kept for the use case', argv: ['download', '-c', '0', 'fw.bin'], expected: dl({ cfg: 0 }) },
  { name: '-i intf', argv: ['download', '-i', '4', 'fw.bin'], expected: dl({ intf: 4 }) },
  { name: '-n devnum', argv: ['download', '-n', '77', 'fw.bin'], expected: dl({ devnum: 77 }) },
  { name: '--devnum hex', argv: ['download', '--devnum', '0x4d', 'fw.bin'], expected: dl({ devnum: 77 }) },
  // transfer and DfuSe
  { name: '-t decimal', argv: ['download', '-t', '1024', 'fw.bin'], expected: dl({}, { transferSize: 1024 }) },
  { name: '-t hex', argv: ['download', '--transfer-size', '0x800', 'fw.bin'], expected: dl({}, { transferSize: 2048 }) },
  {
    name: '-s ADDR:leave',
    argv: ['download', '-s', '0x08000000:leave', 'fw.bin'],
    expected: dl({}, { dfuse: { ...NO_DFUSE, address: 0x08000000, leave: true } }),
  },
  {
    name: '-s :leave (no address)',
    argv: ['download', '-s', ':leave', 'fw.bin'],
    expected: dl({}, { dfuse: { ...NO_DFUSE, leave: true } }),
  },
  {
    name: '-s mass-erase:force',
    argv: ['download', '--dfuse-address', '0x08000000:mass-erase:force:leave', 'fw.bin'],
    expected: dl({}, { dfuse: { ...NO_DFUSE, address: 0x08000000, massErase: true, force: true, leave: true } }),
  },
  { name: '-R', argv: ['download', '-R', 'fw.bin'], expected: dl({}, { reset: true }) },
  { name: '--reset', argv: ['download', 'fw.bin', '--reset'], expected: dl({}, { reset: true }) },
  // output
  { name: '--json', argv: ['download', '--json', 'fw.bin'], expected: dl({}, {}, { ...OUT, json: true }) },
  { name: '--quiet', argv: ['download', '--quiet', 'fw.bin'], expected: dl({}, {}, { ...OUT, quiet: true }) },
  { name: '-q', argv: ['download', '-q', 'fw.bin'], expected: dl({}, {}, { ...OUT, quiet: true }) },
  { name: '-v', argv: ['download', '-v', 'fw.bin'], expected: dl({}, {}, { ...OUT, verbose: 1 }) },
  { name: '-v -v', argv: ['download', '-v', '-v', 'fw.bin'], expected: dl({}, {}, { ...OUT, verbose: 2 }) },
  { name: '-vv', argv: ['download', '-vv', 'fw.bin'], expected: dl({}, {}, { ...OUT, verbose: 2 }) },
  { name: '--verbose', argv: ['download', '--verbose', 'fw.bin'], expected: dl({}, {}, { ...OUT, verbose: 1 }) },
  { name: 'combined -Rv', argv: ['download', '-Rv', 'fw.bin'], expected: dl({}, { reset: true }, { ...OUT, verbose: 1 }) },
  // simulation
  {
    name: '--simulate',
    argv: ['download', '--simulate', 'stm32f4-sysboot', 'fw.bin'],
    expected: { ...dl({}), sim: { profiles: ['stm32f4-sysboot'], timeScale: 1 } },
  },
  {
    name: '--simulate list, time scale and state',
    argv: ['download', '--simulate', 'stm32f4-sysboot, gd32vf103', '--sim-time-scale', '0.01', '--sim-state', 'state/flash.json', 'fw.bin'],
    expected: { ...dl({}), sim: { profiles: ['stm32f4-sysboot', 'gd32vf103'], timeScale: 0.01, stateFile: '/work/proj/state/flash.json' } },
  },
  {
    name: '--sim-time-scale 0',
    argv: ['download', '--simulate', 'a', '--sim-time-scale', '0', 'fw.bin'],
    expected: { ...dl({}), sim: { profiles: ['a'], timeScale: 0 } },
  },
  // everything at once
  {
    name: 'every download flag',
    argv: ['download', '-d', '0483:df11', '-p', '1-1', '-c', '1', '-i', '0', '-a', '0', '-S', 'X', '-n', '5', '-t', '2048', '-s', '0x08000000', '-R', '--json', '-q', '-v', 'fw.bin'],
    expected: dl(
      { runtimeIds: ST, dfuIds: ST, runtimeOnly: true, runtimeSerial: 'X', dfuSerial: 'X', path: '1-1', devnum: 5, cfg: 1, intf: 0, alt: 0 },
      { dfuse: { ...NO_DFUSE, address: 0x08000000 }, transferSize: 2048, reset: true },
      { json: true, quiet: true, verbose: 1 },
    ),
  },
  // upload
  {
    name: 'upload with -s ADDR:LEN',
    argv: ['upload', '-a', '0', '-s', '0x08000000:0x4000', 'dump.bin'],
    expected: {
      command: 'upload',
      request: { selector: { alt: 0 }, file: '/work/proj/dump.bin', dfuse: { ...NO_DFUSE, address: 0x08000000, length: 0x4000 }, force: false, reset: false },
      output: OUT,
    },
  },
  {
    name: 'upload -Z --force -t -R',
    argv: ['upload', '-Z', '65536', '--force', '-t', '256', '-R', 'dump.bin'],
    expected: {
      command: 'upload',
      request: { selector: {}, file: '/work/proj/dump.bin', uploadSize: 65536, transferSize: 256, force: true, reset: true },
      output: OUT,
    },
  },
  {
    name: 'upload -f --upload-size hex',
    argv: ['upload', '-f', '--upload-size', '0x4000', 'dump.bin'],
    expected: { command: 'upload', request: { selector: {}, file: '/work/proj/dump.bin', uploadSize: 0x4000, force: true, reset: false }, output: OUT },
  },
  // detach
  {
    name: 'detach with ids and serial',
    argv: ['detach', '-d', '1d50:6018', '-S', 'C2C89BDB'],
    expected: {
      command: 'detach',
      request: {
        selector: {
          runtimeIds: { vendorId: 0x1d50, productId: 0x6018 },
          dfuIds: { vendorId: 0x1d50, productId: 0x6018 },
          runtimeOnly: true,
          runtimeSerial: 'C2C89BDB',
          dfuSerial: 'C2C89BDB',
        },
      },
      output: OUT,
    },
  },
  { name: 'detach bare', argv: ['detach'], expected: { command: 'detach', request: { selector: {} }, output: OUT } },
  // list
  { name: 'list bare', argv: ['list'], expected: { command: 'list', filter: {}, output: OUT } },
  {
    name: 'list with filter, json, simulate',
    argv: ['list', '-d', ',0483:df11', '-a', 'Internal Flash', '--json', '--simulate', 'stm32f4-sysboot'],
    expected: {
      command: 'list',
      filter: { runtimeIds: null, dfuIds: ST, alt: 'Internal Flash' },
      output: { ...OUT, json: true },
      sim: { profiles: ['stm32f4-sysboot'], timeScale: 1 },
    },
  },
];

describe('argv → invocation', () => {
  for (const c of cases) {
    test(c.name, async () => {
      const outcome = await parseInvocation(c.argv, { cwd: CWD });
      assert.deepEqual(outcome, { kind: 'invocation', invocation: c.expected });
    });
  }
});

describe('help and version', () => {
  test('--version prints the package version', async () => {
    const o = await parseInvocation(['--version'], { cwd: CWD });
    assert.equal(o.kind, 'text');
    assert.match(o.kind === 'text' ? o.text : '', /^dfu-flash \d+\.\d+\.\d+\n$/);
  });
  test('--help lists commands and examples on stdout, exit 0', async () => {
    const o = await parseInvocation(['--help'], { cwd: CWD });
    assert.ok(o.kind === 'text');
    assert.equal(o.stream, 'stdout');
    assert.equal(o.exitCode, 0);
    for (const word of ['list', 'download', 'upload', 'detach', 'Examples:', 'dfu-flash download -a 0 -s 0x08000000:leave firmware.bin']) {
      assert.ok(o.text.includes(word), word);
    }
  });
  test('download --help shows every flag and examples', async () => {
    const o = await parseInvocation(['download', '--help'], { cwd: CWD });
    assert.ok(o.kind === 'text' && o.exitCode === 0);
    for (const flag of ['--device', '--path', '--cfg', '--intf', '--alt', '--serial', '--devnum', '--transfer-size', '--dfuse-address', '--reset', '--simulate', '--sim-time-scale', '--sim-state', '--json', '--quiet', '--verbose', 'Examples:']) {
      assert.ok(o.text.includes(flag), flag);
    }
  });
  test('upload --help shows -Z and --force', async () => {
    const o = await parseInvocation(['upload', '-h'], { cwd: CWD });
    assert.ok(o.kind === 'text' && o.text.includes('--upload-size') && o.text.includes('--force'));
  });
  test('no arguments: usage on stderr, exit 64', async () => {
    const o = await parseInvocation([], { cwd: CWD });
    assert.ok(o.kind === 'text');
    assert.equal(o.stream, 'stderr');
    assert.equal(o.exitCode, 64);
    assert.ok(o.text.startsWith('Usage: dfu-flash'));
  });
});
