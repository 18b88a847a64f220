/**
 * dfu-util compatibility mode, argv → invocation, table-driven: every dfu-util
 * form (short and long) must produce exactly the invocation of the equivalent
 * dfu-flash subcommand (the same schemas build both), plus the explicit
 * requests for the seed command lines; and the errors and warnings.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInvocation } from '../../src/cli/parse.js';
import { dfuUtilArguments } from '../../src/cli/dfu-util/detect.js';
import { COMMANDS } from '../../src/cli/program.js';
import type { Invocation } from '../../src/cli/invocation.js';
import { DfuFlashError } from '../../src/shared/errors.js';
import { run } from '../../src/cli/main.js';
import { backendFactory, fakeOps, memoryIo } from './helpers.js';
import { STM32F4 } from './fixtures-devices.js';
import { withTempDir } from './tmp-dir.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const CWD = '/work/proj';
const ST = { vendorId: 0x0483, productId: 0xdf11 };

async function parse(argv: string[]): Promise<Invocation> {
  const o = await parseInvocation(argv, { cwd: CWD });
  assert.equal(o.kind, 'invocation', JSON.stringify(o));
  return (o as { invocation: Invocation }).invocation;
}

/** The invocation without what only compatibility mode adds (warnings, dfu-util's list format). */
function core(inv: Invocation): unknown {
  const { notices: _n, ...rest } = inv;
  if (rest.command === 'list') {
    const { style: _s, ...list } = rest;
    return list;
  }
  return rest;
}

const SAME: [string[], string[]][] = [
  // list
  [['-l'], ['list']],
  [['--list'], ['list']],
  [['-l', '-d', '0483:df11'], ['list', '-d', '0483:df11']],
  [['-l', '-v', '-v'], ['list', '-v', '-v']],
  [['-lv'], ['list', '-v']],
  [['-l', '--json', '--simulate', 'stm32f4-sysboot'], ['list', '--json', '--simulate', 'stm32f4-sysboot']],
  // download, every selection flag short and long
  [['-d', '0483:df11', '-c', '1', '-i', '0', '-a', '0', '-s', '0x08000000', '-D', 'firmware.bin'], ['download', '-d', '0483:df11', '-c', '1', '-i', '0', '-a', '0', '-s', '0x08000000', 'firmware.bin']],
  [
    ['--device', '0483:df11', '--cfg', '1', '--intf', '0', '--alt', '0', '--dfuse-address', '0x08000000:leave', '--download', 'fw.bin'],
    ['download', '-d', '0483:df11', '-c', '1', '-i', '0', '-a', '0', '-s', '0x08000000:leave', 'fw.bin'],
  ],
  [['-a', '0', '-s', '0x08000000:leave', '-D', 'fw.bin'], ['download', '-a', '0', '-s', '0x08000000:leave', 'fw.bin']],
  [['-w', '-d', ',0483:df11', '-a', '0', '-s', ':leave', '-D', 'fw.dfu'], ['download', '-w', '-d', ',0483:df11', '-a', '0', '-s', ':leave', 'fw.dfu']],
  [['--wait', '-D', 'fw.dfu'], ['download', '--wait', 'fw.dfu']],
  [['-w', '--wait-timeout', '30', '-D', 'fw.dfu'], ['download', '-w', '--wait-timeout', '30', 'fw.dfu']],
  [['-S', '3276365B3138', '-D', 'fw.dfu'], ['download', '-S', '3276365B3138', 'fw.dfu']],
  [['--serial', 'ABC,DEF', '-D', 'fw.dfu'], ['download', '--serial', 'ABC,DEF', 'fw.dfu']],
  [['-p', '1-1.4', '-D', 'fw.dfu'], ['download', '-p', '1-1.4', 'fw.dfu']],
  [['--path', '3-4.2', '-D', 'fw.dfu'], ['download', '--path', '3-4.2', 'fw.dfu']],
  [['-n', '12', '-D', 'fw.dfu'], ['download', '-n', '12', 'fw.dfu']],
  [['--devnum', '12', '-D', 'fw.dfu'], ['download', '--devnum', '12', 'fw.dfu']],
  [['-t', '1024', '-D', 'fw.dfu'], ['download', '-t', '1024', 'fw.dfu']],
  [['--transfer-size', '4096', '-D', 'fw.dfu'], ['download', '--transfer-size', '4096', 'fw.dfu']],
  [['-R', '-D', 'fw.bin'], ['download', '-R', 'fw.bin']],
  [['--reset', '-a', '0', '-D', 'fw.bin'], ['download', '--reset', '-a', '0', 'fw.bin']],
  [['-a', 'Internal Flash', '-D', 'fw.bin'], ['download', '-a', 'Internal Flash', 'fw.bin']],
  [['-a0', '-s0x08000000', '-Dfw.bin'], ['download', '-a', '0', '-s', '0x08000000', 'fw.bin']],
  [['--alt=0', '--dfuse-address=0x08000000:leave', '--download=fw.bin'], ['download', '-a', '0', '-s', '0x08000000:leave', 'fw.bin']],
  [['-v', '-D', 'fw.bin'], ['download', '-v', 'fw.bin']],
  [['-D', 'fw.bin', '--verify', '--skip-unchanged', '--json'], ['download', '--verify', '--skip-unchanged', '--json', 'fw.bin']],
  [['-D', 'fw.bin', '--all'], ['download', '--all', 'fw.bin']],
  [['-D', 'fw.bin', '--no-auto-detach', '--leave-watch', '2000'], ['download', '--no-auto-detach', '--leave-watch', '2000', 'fw.bin']],
  [['-N', '2', '-D', 'fw.bin'], ['download', '-N', '2', 'fw.bin']],
  [['-D', 'fw.bin', '--simulate', 'dapboot', '--sim-time-scale', '0'], ['download', '--simulate', 'dapboot', '--sim-time-scale', '0', 'fw.bin']],
  [['dfu-util', '-a', '0', '-D', 'fw.bin'], ['download', '-a', '0', 'fw.bin']],
  // -E: the longest wait for re-enumeration
  [['-E', '5', '-D', 'fw.bin'], ['download', '--wait-timeout', '5', 'fw.bin']],
  [['--detach-delay', '20', '-D', 'fw.bin'], ['download', '--wait-timeout', '20', 'fw.bin']],
  [['-E', '5', '--wait-timeout', '30', '-D', 'fw.bin'], ['download', '--wait-timeout', '30', 'fw.bin']],
  [['-E', '30', '--wait-timeout', '5', '-D', 'fw.bin'], ['download', '--wait-timeout', '30', 'fw.bin']],
  // upload
  [['-U', 'out.bin'], ['upload', 'out.bin']],
  [['--upload', 'out.bin', '-Z', '65536'], ['upload', '-Z', '65536', 'out.bin']],
  [['-a', '0', '-s', '0x08000000:4096', '-U', 'out.bin', '--upload-size', '4096'], ['upload', '-a', '0', '-s', '0x08000000:4096', '-Z', '4096', 'out.bin']],
  [['-U', 'out.bin', '--force', '-R'], ['upload', '--force', '-R', 'out.bin']],
  // detach
  [['-e'], ['detach']],
  [['--detach', '-d', '1d50:6018'], ['detach', '-d', '1d50:6018']],
  [['-e', '-E', '5'], ['detach', '--wait', '--wait-timeout', '5']],
  [['-e', '--detach-delay', '2.5'], ['detach', '--wait', '--wait-timeout', '2.5']],
  [['-e', '--wait-timeout', '8'], ['detach', '--wait', '--wait-timeout', '8']],
  [['-e', '-E', '0'], ['detach']],
  [['-E', '0', '-D', 'fw.bin'], ['download', 'fw.bin']],
  // DfuSe command mode
  [['-a', '0', '-s', ':mass-erase:force'], ['erase', '-a', '0', '--mass', '--force']],
  [['-s', '0x08000000:mass-erase:force:leave'], ['erase', '--mass', '--force', '--leave', '0x08000000']],
  [['-s', ':mass-erase:force:leave'], ['erase', '--mass', '--force', '--leave']],
  [['-s', ':unprotect:force'], ['unprotect', '--force']],
  [['--dfuse-address', ':unprotect:force', '-d', '0483:df11'], ['unprotect', '--force', '-d', '0483:df11']],
  [['-a', '0', '-s', ':leave'], ['leave', '-a', '0']],
  [['-s', '0x08004000:leave', '-w'], ['leave', '--address', '0x08004000', '-w']],
  // reset alone
  [['-R'], ['reset']],
  [['--reset', '-p', '1-2', '-w'], ['reset', '-p', '1-2', '-w']],
];

describe('dfu-util command line = the subcommand', () => {
  for (const [dfuUtil, sub] of SAME) {
    test(`${dfuUtil.join(' ')}  ≡  ${sub.join(' ')}`, async () => {
      assert.deepEqual(core(await parse(dfuUtil)), await parse(sub));
    });
  }
});

describe('seed command lines: the exact requests', () => {
  test('-d 0483:df11 -c 1 -i 0 -a 0 -s 0x08000000 -D firmware.bin', async () => {
    const inv = await parse(['-d', '0483:df11', '-c', '1', '-i', '0', '-a', '0', '-s', '0x08000000', '-D', 'firmware.bin']);
    assert.deepEqual(inv, {
      command: 'download',
      request: {
        selector: { runtimeIds: ST, dfuIds: ST, runtimeOnly: true, cfg: 1, intf: 0, alt: 0 },
        file: '/work/proj/firmware.bin',
        dfuse: { address: 0x08000000, length: undefined, leave: false, massErase: false, unprotect: false, willReset: false, force: false },
        reset: false,
      },
      output: { json: false, quiet: false, verbose: 0 },
    });
  });

  test('-w -d ,0483:df11 -a 0 -s :leave -D fw.dfu: DFU mode only, wait, leave', async () => {
    const inv = await parse(['-w', '-d', ',0483:df11', '-a', '0', '-s', ':leave', '-D', 'fw.dfu']);
    assert.equal(inv.command, 'download');
    if (inv.command !== 'download') return;
    assert.deepEqual(inv.request.selector, { runtimeIds: null, dfuIds: ST, alt: 0 });
    assert.equal(inv.request.wait, true);
    assert.equal(inv.request.dfuse?.leave, true);
    assert.equal(inv.request.dfuse?.address, undefined);
  });

  test('-l keeps dfu-util\'s listing format', async () => {
    assert.deepEqual(await parse(['-l']), { command: 'list', filter: {}, output: { json: false, quiet: false, verbose: 0 }, style: 'dfu-util' });
  });

  test('-e -E 5: detach and wait up to 5 s', async () => {
    const inv = await parse(['-e', '-E', '5']);
    assert.deepEqual(inv, { command: 'detach', request: { selector: {}, wait: true, waitTimeoutMs: 5000 }, output: { json: false, quiet: false, verbose: 0 } });
  });

  test('-s 0x08000000:mass-erase:force:leave: mass erase, then jump', async () => {
    const inv = await parse(['-s', '0x08000000:mass-erase:force:leave']);
    assert.equal(inv.command, 'erase');
    if (inv.command !== 'erase') return;
    assert.deepEqual(inv.request.dfuse, { address: 0x08000000, length: undefined, leave: true, massErase: true, unprotect: false, willReset: false, force: true });
  });
});

describe('options dfu-util ignores in a mode: a warning, not an error', () => {
  const cases: [string[], string[]][] = [
    [['-D', 'fw.bin', '-Z', '100'], ['-Z/--upload-size has no effect with -D: ignored']],
    [['-l', '-t', '1024', '-R'], ['-t/--transfer-size has no effect with -l: ignored', '-R/--reset has no effect with -l: ignored']],
    [['-l', '-w'], ['-w/--wait has no effect with -l: ignored']],
    [['-e', '-w'], ['-w/--wait has no effect with -e: ignored']],
    [['-e', '-s', '0x08000000'], ['-s/--dfuse-address has no effect with -e: ignored']],
    [['-s', ':leave', '-R'], ['-R/--reset has no effect with -s without -D/-U: ignored']],
    [['-E', '0', '-D', 'fw.bin'], ['-E 0: dfu-flash does not sleep after a detach anyway; it polls for the device (up to --wait-timeout, default 10 s)']],
  ];
  for (const [argv, notices] of cases) {
    test(argv.join(' '), async () => assert.deepEqual((await parse(argv)).notices, notices));
  }

  test('notices become warnings on stderr (and events with --json)', async () => {
    const io = memoryIo();
    assert.equal(await run(['-l', '-t', '1024'], io, { ops: fakeOps({ devices: [STM32F4] }), createBackend: backendFactory().createBackend }), 0);
    assert.equal(io.err(), 'dfu-flash: warning: -t/--transfer-size has no effect with -l: ignored\n');
    assert.match(io.out(), /^Found DFU: \[0483:df11\] ver=2100, devnum=5, cfg=1, intf=0, path="1-1", alt=0, name="@Internal Flash {2}\/0x08000000/);
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'fw.bin'), new Uint8Array(4));
      const json = memoryIo({ cwd: dir });
      assert.equal(await run(['-D', 'fw.bin', '-Z', '4', '--json'], json, { ops: fakeOps(), createBackend: backendFactory().createBackend }), 0);
      const lines = json.out().trim().split('\n').map((l) => JSON.parse(l) as { type: string; message?: string });
      assert.deepEqual(lines[0], { type: 'warning', message: '-Z/--upload-size has no effect with -D: ignored' });
      assert.equal(lines.at(-1)!.type, 'result');
    });
  });
});

describe('mistakes: exit 64 with a message', () => {
  const cases: { argv: string[]; code?: string; message: RegExp }[] = [
    { argv: ['-D', 'a.bin', '-U', 'b.bin'], message: /^-D and -U ask for 2 operations; dfu-flash does one per run$/ },
    { argv: ['-l', '-e'], message: /^-l and -e ask for 2 operations/ },
    { argv: ['-v'], message: /^no operation given$/ },
    { argv: ['-d', '0483:df11'], message: /^no operation given$/ },
    { argv: ['-l', 'extra'], message: /^unexpected argument "extra"/ },
    { argv: ['-D'], message: /argument missing/ },
    { argv: ['-x'], message: /unknown option '-x'/ },
    { argv: ['-D', '-'], message: /standard input\) is not supported/ },
    { argv: ['-U', 'x.bin', '--verify'], message: /^--verify has no effect with -U$/ },
    { argv: ['-l', '--all'], message: /^--all has no effect with -l$/ },
    { argv: ['-s', ':mass-erase'], code: 'BAD_ADDRESS_SPEC', message: /'mass-erase' needs ':force'/ },
    { argv: ['-s', '0x08000000'], message: /no file and no :leave/ },
    { argv: ['-s', ':unprotect:force:leave'], message: /the chip resets by itself/ },
    { argv: ['-s', '0x08000000:4096'], message: /needs a file to upload into/ },
    { argv: ['-s', '0x0800::leave', '-D', 'fw.bin'], code: 'BAD_ADDRESS_SPEC', message: /empty field/ },
    { argv: ['-E', 'soon', '-D', 'fw.bin'], message: /invalid -E\/--detach-delay value "soon"/ },
    { argv: ['-d', 'zz', '-D', 'fw.bin'], message: /invalid -d\/--device value "zz"/ },
    { argv: ['-a', '0', '-D', 'fw.bin', '-N', '1', '-p', '1-1'], message: /-N\/--index and -p\/--path both choose the port/ },
  ];
  for (const c of cases) {
    test(c.argv.join(' '), async () => {
      await assert.rejects(parseInvocation(c.argv, { cwd: CWD }), (e: unknown) => {
        assert.ok(e instanceof DfuFlashError, String(e));
        assert.equal(e.code, c.code ?? 'USAGE');
        assert.match(e.message, c.message);
        assert.ok((e.hint ?? '').length > 0, 'has a hint');
        return true;
      });
    });
  }
});

describe('which command lines are dfu-util ones', () => {
  const cases: [string[], boolean][] = [
    [['-l'], true],
    [['-a', '0', '-D', 'fw.bin'], true],
    [['-a', 'list', '-l'], true], // "list" is the value of -a
    [['-alist', '-l'], true],
    [['--alt', 'download', '-D', 'x'], true],
    [['dfu-util', '-l'], true],
    [['-h'], false],
    [['--version'], false],
    [['list'], false],
    [['download', '-a', '0', 'fw.bin'], false],
    [['--json', 'list'], false], // options before a command: the normal parser explains
    [['-R', 'download', 'fw.bin'], false],
    [['-v', '--', 'list'], false],
    [[], false],
  ];
  for (const [argv, expected] of cases) {
    test(`${JSON.stringify(argv)} → ${expected}`, () => assert.equal(dfuUtilArguments(argv, COMMANDS) !== undefined, expected));
  }

  test('help and version inside a dfu-util command line', async () => {
    const help = await parseInvocation(['dfu-util', '--help'], { cwd: CWD });
    assert.equal(help.kind, 'text');
    if (help.kind !== 'text') return;
    assert.equal(help.exitCode, 0);
    assert.equal(help.stream, 'stdout');
    for (const flag of ['--detach-delay', '--dfuse-address', '--upload-size', '--transfer-size', '--devnum', '--wait-timeout']) assert.ok(help.text.includes(flag), flag);
    assert.match(help.text, /Differences from dfu-util 0\.11/);
    const version = await parseInvocation(['-l', '-V'], { cwd: CWD });
    assert.equal(version.kind, 'text');
    if (version.kind === 'text') assert.match(version.text, /^dfu-flash \d+\.\d+\.\d+/);
  });
});
