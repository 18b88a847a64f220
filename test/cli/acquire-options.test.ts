/**
 * Waiting and detach flags on the subcommands (-w, --wait-timeout,
 * --no-auto-detach, detach --wait, --leave-watch) and the DfuSe command-mode
 * subcommands (erase, unprotect, leave, reset): argv → request, table-driven,
 * and the behaviour against simulated devices.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInvocation } from '../../src/cli/parse.js';
import type { Invocation } from '../../src/cli/invocation.js';
import { DfuFlashError } from '../../src/shared/errors.js';
import { pattern, simRun, withFiles } from './sim-run.js';
import { createSimDevice } from '../../src/sim/index.js';

const CWD = '/work/proj';
const OUT = { json: false, quiet: false, verbose: 0 };
const DFUSE = (o: object) => ({ address: undefined, length: undefined, leave: false, massErase: false, unprotect: false, willReset: false, force: false, ...o });

async function parse(argv: string[]): Promise<Invocation> {
  const o = await parseInvocation(argv, { cwd: CWD });
  assert.equal(o.kind, 'invocation');
  return (o as { invocation: Invocation }).invocation;
}

describe('argv → request', () => {
  const dl = (extra: object) => ({ command: 'download', request: { selector: {}, file: '/work/proj/fw.bin', reset: false, ...extra }, output: OUT });
  const cases: [string[], unknown][] = [
    [['download', '-w', 'fw.bin'], dl({ wait: true })],
    [['download', '--wait', '--wait-timeout', '2.5', 'fw.bin'], dl({ wait: true, waitTimeoutMs: 2500 })],
    [['download', '--wait-timeout', '30', 'fw.bin'], dl({ waitTimeoutMs: 30000 })],
    [['download', '--no-auto-detach', 'fw.bin'], dl({ autoDetach: false })],
    [['download', '--leave-watch', '3000', 'fw.bin'], dl({ watchAfterLeaveMs: 3000 })],
    [['download', '--leave-watch', '0', 'fw.bin'], dl({})],
    [['download', '--all', 'fw.bin'], { ...dl({}), all: true }],
    [['upload', '-w', '--wait-timeout', '5', '--no-auto-detach', 'o.bin'], { command: 'upload', request: { selector: {}, file: '/work/proj/o.bin', force: false, reset: false, wait: true, waitTimeoutMs: 5000, autoDetach: false }, output: OUT }],
    [['detach'], { command: 'detach', request: { selector: {} }, output: OUT }],
    [['detach', '--wait'], { command: 'detach', request: { selector: {}, wait: true }, output: OUT }],
    [['detach', '-w', '--wait-timeout', '20'], { command: 'detach', request: { selector: {}, wait: true, waitTimeoutMs: 20000 }, output: OUT }],
    [['erase', '--mass', '--force'], { command: 'erase', request: { selector: {}, dfuse: DFUSE({ massErase: true, force: true }) }, output: OUT }],
    [['erase', '--mass', '--force', '--leave'], { command: 'erase', request: { selector: {}, dfuse: DFUSE({ massErase: true, force: true, leave: true }) }, output: OUT }],
    [
      ['erase', '--mass', '--force', '--leave', '0x08000000', '-a', '0', '-w'],
      { command: 'erase', request: { selector: { alt: 0 }, dfuse: DFUSE({ massErase: true, force: true, leave: true, address: 0x08000000 }), wait: true }, output: OUT },
    ],
    [['unprotect', '--force', '-d', ',0483:df11'], { command: 'unprotect', request: { selector: { runtimeIds: null, dfuIds: { vendorId: 0x483, productId: 0xdf11 } }, dfuse: DFUSE({ unprotect: true, force: true }) }, output: OUT }],
    [['leave'], { command: 'leave', request: { selector: {} }, output: OUT }],
    [['leave', '--address', '0x08004000', '--no-auto-detach'], { command: 'leave', request: { selector: {}, address: 0x08004000, autoDetach: false }, output: OUT }],
    [['reset', '-p', '1-2', '--json'], { command: 'reset', request: { selector: { path: '1-2' }, reset: true }, output: { ...OUT, json: true } }],
    [['reset', '--transfer-timeout', '9000'], { command: 'reset', request: { selector: {}, reset: true }, output: OUT, transferTimeoutMs: 9000 }],
  ];
  for (const [argv, expected] of cases) test(argv.join(' '), async () => assert.deepEqual(await parse(argv), expected));

  const errors: [string[], RegExp][] = [
    [['download', '--wait-timeout', '0', 'fw.bin'], /^invalid --wait-timeout value "0": out of range/],
    [['download', '--wait-timeout', 'soon', 'fw.bin'], /^invalid --wait-timeout value "soon": not a number of seconds/],
    [['download', '--wait-timeout', '4000', 'fw.bin'], /out of range \(more than 0, at most 3600 s\)/],
    [['download', '--leave-watch', '-5', 'fw.bin'], /--leave-watch/],
    [['detach', '--no-auto-detach'], /unknown option '--no-auto-detach'/],
    [['erase', '--force'], /^erase needs --mass/],
    [['erase', '--mass'], /^erase --mass erases everything in the flash: add --force to confirm$/],
    [['erase', '--mass', '--force', '--leave', 'later'], /^invalid --leave value "later"/],
    [['unprotect'], /^unprotect erases everything in the flash: add --force to confirm$/],
    [['leave', '--address', '0x1ffffffff'], /out of range/],
    [['reset', 'now'], /too many arguments/],
  ];
  for (const [argv, message] of errors) {
    test(`${argv.join(' ')} → 64`, () =>
      assert.rejects(parseInvocation(argv, { cwd: CWD }), (e: unknown) => e instanceof DfuFlashError && e.code === 'USAGE' && message.test(e.message) && (e.hint ?? '') !== ''));
  }
});

describe('against simulated devices', () => {
  const FW = pattern(12_000, 9);

  test('download on a runtime-mode board detaches it and follows it to the bootloader (default)', () =>
    withFiles({ 'fw.bin': FW }, async (dir) => {
      const r = await simRun(['download', '-a', '0', '-s', '0x08000000', 'fw.bin'], ['runtime-app'], { cwd: dir });
      assert.equal(r.code, 0, r.io.err());
      assert.deepEqual(r.backend.bus.devices.at(-1)!.readFlash(0x08000000, FW.length), FW);
      assert.match(r.io.err(), /Downloaded 12000 bytes to 0483:df11 \(1-1\)/);
    }));

  test('--no-auto-detach: a runtime-mode board is an error (69), nothing is sent', () =>
    withFiles({ 'fw.bin': FW }, async (dir) => {
      const r = await simRun(['download', '--no-auto-detach', '-a', '0', '-s', '0x08000000', 'fw.bin'], ['runtime-app'], { cwd: dir });
      assert.equal(r.code, 69, r.io.err());
      assert.ok(!r.backend.bus.devices[0]!.transcript.some((e) => e.request === 'DFU_DETACH'));
    }));

  test('--wait-timeout bounds the re-enumeration wait after the detach', () =>
    withFiles({ 'fw.bin': FW }, async (dir) => {
      const r = await simRun(['download', '--wait-timeout', '0.1', '-a', '0', '-s', '0x08000000', 'fw.bin'], ['runtime-app-reset'], { cwd: dir });
      assert.notEqual(r.code, 0);
      assert.match(r.io.err(), /come back in DFU mode/);
      assert.ok(r.clock.now() < 1000, `gave up after ${r.clock.now()} ms`);
    }));

  test('--leave-watch: a board that comes back to the bootloader after :leave gets a warning (and still exit 0)', () =>
    withFiles({ 'fw.bin': FW }, async (dir) => {
      const r = await simRun(['download', '--leave-watch', '2000', '-a', '0', '-s', '0x08000000:leave', 'fw.bin'], ['stm32f4-sysboot'], {
        cwd: dir,
        setup: (backend, clock) => {
          // BOOT0 still high: 200 ms after the bootloader has left the bus, it is back on the same port
          // (on the bus's own event: a loop that looked every 20 ms of the fake clock could run out first)
          const stop = backend.bus.watch((e) => {
            if (e.type !== 'detach' || e.port !== '1-1') return;
            stop();
            void clock.sleep(200).then(() => backend.bus.plug(createSimDevice('stm32f4-sysboot', { clock }), '1-1'));
          });
        },
      });
      assert.equal(r.code, 0, r.io.err());
      assert.match(r.io.err(), /dfu-flash: warning: the device returned to the bootloader \(0483:df11 is back on 1-1\)/);
    }));

  test('without --leave-watch nobody looks', () =>
    withFiles({ 'fw.bin': FW }, async (dir) => {
      const r = await simRun(['download', '-a', '0', '-s', '0x08000000:leave', 'fw.bin'], ['stm32f4-sysboot'], { cwd: dir });
      assert.equal(r.code, 0, r.io.err());
      assert.doesNotMatch(r.io.err(), /warning/);
    }));

  test('detach --wait: back in DFU mode, said in the summary', () =>
    withFiles({}, async (dir) => {
      const r = await simRun(['detach', '--wait'], ['runtime-app'], { cwd: dir });
      assert.equal(r.code, 0, r.io.err());
      assert.match(r.io.err(), /^Detached 0483:5740 \(1-1\) in \d+\.\d\d s; .*back in DFU mode as 0483:df11 on 1-1$/m);
    }));

  test('erase --mass --force: the flash reads 0xFF; --json names the operation', () =>
    withFiles({ 'fw.bin': FW }, async (dir) => {
      const dl = await simRun(['download', '-a', '0', '-s', '0x08000000', 'fw.bin'], ['stm32f4-sysboot'], { cwd: dir });
      const state = dl.backend.bus.devices[0]!.snapshot();
      const r = await simRun(['erase', '--mass', '--force', '-a', '0', '--json'], ['stm32f4-sysboot'], { cwd: dir, setup: (b) => b.bus.devices[0]!.restore(state) });
      assert.equal(r.code, 0, r.io.err());
      assert.ok(r.backend.bus.devices[0]!.readFlash(0x08000000, FW.length).every((b) => b === 0xff));
      const result = JSON.parse(r.io.out().trim().split('\n').at(-1)!) as { operation: string; outcome: string };
      assert.equal(result.operation, 'mass-erase');
      assert.match(result.outcome, /mass-erased/);
    }));

  test('erase on a plain DFU device: 76 (DfuSe only)', () =>
    withFiles({}, async (dir) => {
      const r = await simRun(['erase', '--mass', '--force'], ['dapboot'], { cwd: dir });
      assert.equal(r.code, 76, r.io.err());
      assert.match(r.io.err(), /DfuSe command/);
    }));

  test('leave works on plain DFU too (a reset there); reset names itself', () =>
    withFiles({}, async (dir) => {
      const leave = await simRun(['leave'], ['dapboot'], { cwd: dir });
      assert.equal(leave.code, 0, leave.io.err());
      assert.match(leave.io.err(), /^Leave sent to 1209:db42 \(1-1\) in /m);
      const reset = await simRun(['reset', '--json'], ['stm32f4-sysboot'], { cwd: dir });
      assert.equal(reset.code, 0, reset.io.err());
      assert.equal((JSON.parse(reset.io.out().trim().split('\n').at(-1)!) as { operation: string }).operation, 'reset');
    }));
});
