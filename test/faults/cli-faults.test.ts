/**
 * The device-fault matrix through the command line (run() in-process): the
 * exit status is the documented one for the error (EXIT_CODES), stderr has the
 * one-line error and its hint, a success exits 0 only when the device holds
 * the image, and the same command line run again without the fault exits 0.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../src/cli/main.js';
import { EXIT_CODES } from '../../src/cli/exit-codes.js';
import { Bench, lastJson, memoryIo, tempDir } from './helpers.js';
import { actionsFor, calibrate, nthOf, SCENARIOS } from './matrix.js';

/** Exit statuses each kind of fault may end in (74 EX_IOERR: gone, timeout, stall; 76 EX_PROTOCOL: a DFU status). */
const EXITS: Record<string, number[]> = {
  stall: [74, 76],
  silent: [74],
  gone: [74],
  busy: [74],
  status: [76, 74],
};

describe('device fault matrix through the CLI: exit statuses', () => {
  for (const s of SCENARIOS) {
    describe(s.name, () => {
      const cal = calibrate(s);
      for (const cell of s.cells) {
        for (const a of actionsFor(cell.request)) {
          test(`${a.name} on ${cell.request} #${cell.k} of the ${cell.step}`, async () => {
            const bench = new Bench([s.profile]);
            const dir = tempDir();
            await s.prepare(bench, dir);
            const device = bench.device();
            device.faults.add({ request: cell.request, nth: nthOf(await cal, cell), action: a.action, times: a.times });
            const deps = { clock: bench.clock, createBackend: async () => bench.backend() };
            const io = memoryIo(dir);
            const exit = await run([...s.argv, '--json'], io, deps);
            const result = lastJson(io);
            assert.ok(result, `a result line; stderr: ${io.err()}`);
            assert.ok(bench.allClosed, 'every transport closed');
            assert.deepEqual(device.claimedInterfaces, []);
            if (exit === 0) {
              assert.equal(result.ok, true);
              s.check(bench, dir);
            } else {
              const family = typeof a.action === 'object' ? 'status' : a.action;
              const code = result.error!.code as keyof typeof EXIT_CODES;
              assert.equal(exit, EXIT_CODES[code], `${code} exits with its documented status`);
              assert.equal(result.exitCode, exit);
              const allowed = cell.request === 'SET_INTERFACE' ? [74] : EXITS[family]!;
              assert.ok(allowed.includes(exit), `${a.name}: exit ${exit} (${code}: ${result.error!.message})`);
              const lines = io.err().split('\n');
              assert.ok(lines.some((l) => l.startsWith('dfu-flash: error: ') && l.includes(result.error!.message)), io.err());
              assert.ok(lines.some((l) => l.startsWith('  hint: ')), `a hint line: ${io.err()}`);
            }
            device.faults.clear();
            await bench.clock.sleep(2000);
            if (a.wedges) device.unplug('power cycle');
            const again = memoryIo(dir);
            assert.equal(await run(s.argv, again, deps), 0, `the next run succeeds: ${again.err()}`);
            s.check(bench, dir);
          });
        }
      }
    });
  }
});
