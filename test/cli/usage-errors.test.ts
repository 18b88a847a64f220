/**
 * Bad command lines: exit status, the exact one-line message and hint on
 * stderr, and no backend ever created.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../src/cli/main.js';
import { backendFactory, fakeOps, memoryIo } from './helpers.js';

const DEVICE_HINT =
  'write vid:pid in hex, e.g. -d 0483:df11; "*" matches any, "-" (runtime side) matches none, ",vid:pid" = DFU mode only';
const NUMBER_HINT = 'write a decimal number (2048) or a hexadecimal one with 0x (0x800)';
const S_HINT = 'the syntax is -s ADDR[:LEN][:leave][:mass-erase][:unprotect][:will-reset][:force]; e.g. -s 0x08000000:leave';

interface Case {
  argv: string[];
  exit: number;
  message: string;
  hint?: string;
}

const cases: Case[] = [
  // -d
  { argv: ['download', '-d', '0483:xyz1', 'fw.bin'], exit: 64, message: 'invalid -d/--device value "0483:xyz1": "xyz1" is not a hexadecimal product ID', hint: DEVICE_HINT },
  { argv: ['download', '-d', '12345:1', 'fw.bin'], exit: 64, message: 'invalid -d/--device value "12345:1": "12345" is not a hexadecimal vendor ID', hint: DEVICE_HINT },
  { argv: ['download', '-d', '1:2:3', 'fw.bin'], exit: 64, message: `invalid -d/--device value "1:2:3": "1:2:3" has more than one ':'`, hint: DEVICE_HINT },
  { argv: ['download', '-d', '1:2,3:4,5:6', 'fw.bin'], exit: 64, message: 'invalid -d/--device value "1:2,3:4,5:6": more than one ","', hint: DEVICE_HINT },
  { argv: ['download', '-d', '0483:df11,-:1', 'fw.bin'], exit: 64, message: 'invalid -d/--device value "0483:df11,-:1": "-" is only allowed on the runtime side (before the ",")', hint: DEVICE_HINT },
  { argv: ['download', '-d', '-:df11', 'fw.bin'], exit: 64, message: 'invalid -d/--device value "-:df11": "-" here would match no device at all', hint: 'to accept DFU-mode devices only, write -d ,vid:pid' },
  { argv: ['download', '-d', '', 'fw.bin'], exit: 64, message: 'invalid -d/--device value "": empty', hint: DEVICE_HINT },
  // numbers
  { argv: ['download', '-t', '010', 'fw.bin'], exit: 64, message: 'invalid -t/--transfer-size value "010": a leading 0 is ambiguous (dfu-util reads it as octal)', hint: 'write 10 for decimal or 0x10 for hexadecimal' },
  { argv: ['download', '-t', '0', 'fw.bin'], exit: 64, message: 'invalid -t/--transfer-size value "0": out of range (1..65535)', hint: 'give a value from 1 to 65535' },
  { argv: ['download', '-t', '70000', 'fw.bin'], exit: 64, message: 'invalid -t/--transfer-size value "70000": out of range (1..65535)', hint: 'give a value from 1 to 65535' },
  { argv: ['download', '-t', '2k', 'fw.bin'], exit: 64, message: 'invalid -t/--transfer-size value "2k": not a number', hint: NUMBER_HINT },
  { argv: ['download', '-n', '1.5', 'fw.bin'], exit: 64, message: 'invalid -n/--devnum value "1.5": not a number', hint: NUMBER_HINT },
  { argv: ['download', '-n', '-1', 'fw.bin'], exit: 64, message: 'invalid -n/--devnum value "-1": not a number', hint: NUMBER_HINT },
  { argv: ['download', '-c', '0x100', 'fw.bin'], exit: 64, message: 'invalid -c/--cfg value "0x100": out of range (0..255)', hint: 'give a value from 0 to 255' },
  { argv: ['download', '-i', '007', 'fw.bin'], exit: 64, message: 'invalid -i/--intf value "007": a leading 0 is ambiguous (dfu-util reads it as octal)', hint: 'write 7 for decimal or 0x7 for hexadecimal' },
  { argv: ['upload', '-Z', '0', 'out.bin'], exit: 64, message: 'invalid -Z/--upload-size value "0": out of range (1..4294967295)', hint: 'give a value from 1 to 4294967295' },
  // -a -p -S
  { argv: ['download', '-a', '', 'fw.bin'], exit: 64, message: 'invalid -a/--alt value "": empty', hint: 'give an alt setting number (-a 0) or its name (-a "Internal Flash")' },
  { argv: ['download', '-a', '256', 'fw.bin'], exit: 64, message: 'invalid -a/--alt value "256": out of range (0..255)', hint: 'give a value from 0 to 255' },
  { argv: ['download', '-a', '01', 'fw.bin'], exit: 64, message: 'invalid -a/--alt value "01": a leading 0 is ambiguous (dfu-util reads it as octal)', hint: 'write 1 for decimal or 0x1 for hexadecimal' },
  { argv: ['download', '-p', '1.2', 'fw.bin'], exit: 64, message: 'invalid -p/--path value "1.2": expected bus-port[.port...], e.g. 1-1.4', hint: '`dfu-flash list` shows the path of each device' },
  { argv: ['download', '-S', ',', 'fw.bin'], exit: 64, message: 'invalid -S/--serial value ",": empty', hint: 'give the serial number shown by `dfu-flash list`, e.g. -S 3276365B3138' },
  // -s (parsed by src/dfu/dfuse-address.ts)
  { argv: ['download', '-s', '0x08000000:bogus', 'fw.bin'], exit: 64, message: "bad -s value '0x08000000:bogus': unknown modifier 'bogus'", hint: S_HINT },
  { argv: ['upload', '-s', '0x08000000:l', 'out.bin'], exit: 64, message: "bad -s value '0x08000000:l': unknown modifier 'l' (abbreviations are not accepted; did you mean 'leave'?)", hint: S_HINT },
  // simulation
  { argv: ['list', '--simulate', 'a', '--sim-time-scale', 'fast'], exit: 64, message: 'invalid --sim-time-scale value "fast": not a non-negative number', hint: '1 = real device timing, 0.01 = 100 times faster, 0 = no waiting' },
  { argv: ['list', '--simulate', 'a,,b'], exit: 64, message: 'invalid --simulate value "a,,b": empty profile name', hint: 'e.g. --simulate stm32f4-sysboot' },
  { argv: ['list', '--sim-state', 's.json'], exit: 64, message: '--sim-state needs --simulate', hint: 'e.g. --simulate stm32f4-sysboot --sim-state flash.json' },
  { argv: ['list', '--sim-time-scale', '2'], exit: 64, message: '--sim-time-scale needs --simulate', hint: 'e.g. --simulate stm32f4-sysboot --sim-time-scale 0' },
  // commander
  { argv: ['download'], exit: 64, message: "missing required argument 'file'", hint: 'run "dfu-flash download --help" for the options' },
  { argv: ['download', 'a.bin', 'b.bin'], exit: 64, message: "too many arguments for 'download'. Expected 1 argument but got 2.", hint: 'run "dfu-flash download --help" for the options' },
  { argv: ['upload', 'x.bin', '--forc'], exit: 64, message: "unknown option '--forc'", hint: 'did you mean --force?' },
  { argv: ['list', '-Z', '5'], exit: 64, message: "unknown option '-Z'", hint: 'run "dfu-flash list --help" for the options' },
  { argv: ['lst'], exit: 64, message: "unknown command 'lst'", hint: 'did you mean list?' },
  { argv: ['-R', 'download', 'fw.bin'], exit: 64, message: "unknown option '-R'", hint: 'only -v, -q, --json, --simulate, --sim-time-scale, --sim-state and --transfer-timeout may come before the command: dfu-flash download -R ...' },
  { argv: ['download', '-t'], exit: 64, message: "option '-t, --transfer-size <bytes>' argument missing", hint: 'run "dfu-flash download --help" for the options' },
  // files (checked before the backend exists)
  { argv: ['download', 'missing.bin'], exit: 66, message: 'firmware file missing.bin not found', hint: 'check the path (relative paths start at /nonexistent/proj)' },
];

describe('bad command lines', () => {
  for (const c of cases) {
    test(c.argv.map((a) => (a === '' ? '""' : a)).join(' '), async () => {
      const io = memoryIo({ cwd: '/nonexistent/proj' });
      const factory = backendFactory();
      const code = await run(c.argv, io, { createBackend: factory.createBackend, ops: fakeOps() });
      const expected = `dfu-flash: error: ${c.message}\n` + (c.hint === undefined ? '' : `  hint: ${c.hint}\n`);
      assert.equal(io.err(), expected);
      assert.equal(code, c.exit);
      assert.equal(io.out(), '');
      assert.equal(factory.requests.length, 0, 'backend must not be created');
    });
  }
});

describe('--json on a bad command line', () => {
  test('stdout gets one result line with the error', async () => {
    const io = memoryIo();
    const factory = backendFactory();
    const code = await run(['download', '--json', '-s', '0x0800:bogus', 'fw.bin'], io, { createBackend: factory.createBackend });
    assert.equal(code, 64);
    assert.equal(factory.requests.length, 0);
    const lines = io.out().trimEnd().split('\n');
    assert.equal(lines.length, 1);
    assert.deepEqual(JSON.parse(lines[0]!), {
      type: 'result',
      ok: false,
      error: {
        code: 'BAD_ADDRESS_SPEC',
        message: "bad -s value '0x0800:bogus': unknown modifier 'bogus'",
        hint: S_HINT,
        details: { reason: 'bad-dfuse-address', spec: '0x0800:bogus', problem: "unknown modifier 'bogus'", examples: ['0x08000000:leave'] },
      },
      exitCode: 64,
    });
  });
  test('global options before the command mean what they mean after it', async () => {
    const before = memoryIo();
    assert.equal(await run(['--json', '-v', 'list', '--simulate', 'stm32f4-sysboot'], before), 0, before.err());
    const after = memoryIo();
    assert.equal(await run(['list', '--json', '-v', '--simulate', 'stm32f4-sysboot'], after), 0);
    assert.equal(before.out(), after.out());
    assert.equal((JSON.parse(before.out()) as { devices: unknown[] }).devices.length, 1);
    const sim = memoryIo();
    assert.equal(await run(['--simulate', 'dapboot', '-q', 'list'], sim), 0, sim.err());
    assert.match(sim.out(), /1209:db42/);
    // -v before `suffix` is --verbose, not its -v/--vid
    const sfx = memoryIo();
    assert.equal(await run(['-v', 'suffix', 'check', 'no-such.bin'], sfx), 66);
    assert.doesNotMatch(sfx.err(), /vid/);
  });
  test('an option before the command that is not a global one: unknown, without a stack trace', async () => {
    const io = memoryIo();
    assert.equal(await run(['-v', '--all', 'download', 'fw.bin'], io), 64);
    assert.equal(io.err(), "dfu-flash: error: unknown option '--all'\n  hint: only -v, -q, --json, --simulate, --sim-time-scale, --sim-state and --transfer-timeout may come before the command: dfu-flash download --all ...\n");
  });
  test('commander errors too', async () => {
    const io = memoryIo();
    const code = await run(['list', '--json', '--bogus'], io);
    assert.equal(code, 64);
    const r = JSON.parse(io.out()) as { ok: boolean; error: { code: string; message: string } };
    assert.equal(r.ok, false);
    assert.equal(r.error.code, 'USAGE');
    assert.equal(r.error.message, "unknown option '--bogus'");
  });
});

describe('no stack traces unless -v', () => {
  test('plain', async () => {
    const io = memoryIo();
    await run(['download', '-t', 'x', 'fw.bin'], io);
    assert.ok(!io.err().includes('    at '));
  });
  test('-v shows no details and no stack trace for a usage error: the message and hint say it all', async () => {
    const io = memoryIo();
    await run(['download', '-v', '-t', 'x', 'fw.bin'], io);
    assert.equal(io.err(), 'dfu-flash: error: invalid -t/--transfer-size value "x": not a number\n  hint: write a decimal number (2048) or a hexadecimal one with 0x (0x800)\n');
    const before = memoryIo();
    await run(['-v', 'download', '-t', 'x', 'fw.bin'], before);
    assert.equal(before.err(), io.err(), 'the same with -v before the command');
  });
});

describe('error colours', () => {
  test('coloured on a terminal', async () => {
    const io = memoryIo({ stderrIsTTY: true });
    assert.equal(await run(['download', '-t', 'x', 'fw.bin'], io), 64);
    assert.equal(
      io.err(),
      'dfu-flash: \u001b[31m\u001b[1merror:\u001b[22m\u001b[39m invalid -t/--transfer-size value "x": not a number\n' +
        `  \u001b[36mhint:\u001b[39m ${NUMBER_HINT}\n`,
    );
  });
  test('plain with NO_COLOR', async () => {
    const io = memoryIo({ stderrIsTTY: true, env: { NO_COLOR: '1' } });
    assert.equal(await run(['download', '-t', 'x', 'fw.bin'], io), 64);
    assert.equal(io.err(), `dfu-flash: error: invalid -t/--transfer-size value "x": not a number\n  hint: ${NUMBER_HINT}\n`);
  });
});
