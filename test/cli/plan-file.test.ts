/**
 * `dfu-flash run plan.json`: the plan file format (valid plans become the
 * exact FlashPlan; every invalid one is a usage error naming the JSON path,
 * before any backend exists), and runs against simulated boards (results
 * per board and step, in text and --json, and the exit status).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DfuStatus } from '../../src/dfu/constants.js';
import { loadPlanFile, jsonPath } from '../../src/cli/plan-file.js';
import { run } from '../../src/cli/main.js';
import type { FlashPlan } from '../../src/cli/requests.js';
import { DfuFlashError } from '../../src/shared/errors.js';
import { backendFactory, fakeOps, memoryIo } from './helpers.js';
import { ndjson, pattern, simRun, withFiles } from './sim-run.js';
import { ROOT } from './tmp-dir.js';

const ST = { vendorId: 0x0483, productId: 0xdf11 };
const DFUSE = (o: object) => ({ address: undefined, length: undefined, leave: false, massErase: false, unprotect: false, willReset: false, force: false, ...o });

describe('valid plans', () => {
  test('every field, relative files resolved against the plan folder, placeholders kept', () => {
    const plan = {
      description: 'all the steps',
      device: ',0483:df11',
      serial: 'ABC',
      path: '1-1',
      alt: 'Internal Flash',
      cfg: 1,
      intf: 0,
      all: false,
      waitTimeoutMs: 15000,
      steps: [
        { detach: { timeoutMs: 5000 } },
        { download: { file: 'fw/app.bin', alt: 0, address: '0x08000000:leave', verify: true, skipUnchanged: false, format: 'bin', timeoutMs: 60000 } },
        { upload: { file: 'dump-{port}-{serial}.bin', alt: '1', address: '0x08000000:4096', force: true } },
        { leave: { address: '0x08004000' } },
        { leave: { address: 134217728 } },
        { leave: {} },
        { reset: {} },
        { download: { file: '/abs/fw.hex', format: 'auto' } },
      ],
    };
    const expected = (dir: string): FlashPlan => ({
      selector: { runtimeIds: null, dfuIds: ST, runtimeSerial: 'ABC', dfuSerial: 'ABC', path: '1-1', alt: 'Internal Flash', cfg: 1, intf: 0 },
      all: false,
      waitTimeoutMs: 15000,
      steps: [
        { kind: 'detach', timeoutMs: 5000 },
        { kind: 'download', file: join(dir, 'fw/app.bin'), alt: 0, dfuse: DFUSE({ address: 0x08000000, leave: true }), verify: true, skipUnchanged: false, format: 'bin', timeoutMs: 60000 },
        { kind: 'upload', file: join(dir, 'dump-{port}-{serial}.bin'), alt: 1, dfuse: DFUSE({ address: 0x08000000, length: 4096 }), force: true },
        { kind: 'leave', address: 0x08004000 },
        { kind: 'leave', address: 0x08000000 },
        { kind: 'leave' },
        { kind: 'reset' },
        { kind: 'download', file: '/abs/fw.hex' },
      ],
    });
    return withFiles({ 'plan.json': JSON.stringify(plan) }, async (dir) => {
      assert.deepEqual(loadPlanFile(join(dir, 'plan.json'), { selector: {} }), expected(dir));
    });
  });

  test('the command line adds to and overrides the plan: selection, --all, --wait-timeout', () =>
    withFiles({ 'plan.json': JSON.stringify({ device: '0483:df11', path: '1-1', waitTimeoutMs: 1000, steps: [{ reset: {} }] }) }, async (dir) => {
      const got = loadPlanFile(join(dir, 'plan.json'), { selector: { path: '1-2', alt: 0 }, all: true, waitTimeoutMs: 9000 });
      assert.deepEqual(got, { selector: { runtimeIds: ST, dfuIds: ST, path: '1-2', alt: 0 }, all: true, waitTimeoutMs: 9000, steps: [{ kind: 'reset' }] });
    }));

  test('examples/plan.json is a valid plan', async () => {
    const plan = loadPlanFile(join(ROOT, 'examples', 'plan.json'), { selector: {} });
    assert.equal(plan.all, true);
    assert.deepEqual(plan.steps.map((s) => s.kind), ['download', 'upload', 'leave']);
  });

  test('jsonPath', () => {
    assert.equal(jsonPath(['steps', 2, 'download', 'address']), 'steps[2].download.address');
    assert.equal(jsonPath([]), '(top level)');
    assert.equal(jsonPath(['device']), 'device');
  });
});

describe('invalid plans: exit 64, the JSON path in the message, no backend', () => {
  const step = (s: object) => JSON.stringify({ steps: [{ reset: {} }, { detach: {} }, s] });
  const cases: [string, string, RegExp][] = [
    ['bad -s grammar', step({ download: { file: 'fw.bin', address: '0x0800::leave' } }), /^plan file plan\.json: steps\[2\]\.download\.address: "0x0800::leave": empty field after '0x0800:'$/],
    ['unknown -s keyword', step({ download: { file: 'fw.bin', address: '0x08000000:lave' } }), /^plan file plan\.json: steps\[2\]\.download\.address: "0x08000000:lave": unknown modifier 'lave'$/],
    ['download with a length', step({ download: { file: 'fw.bin', address: '0x08000000:4096' } }), /steps\[2\]\.download\.address: "0x08000000:4096": a length \(4096\) reads memory: that is an upload$/],
    ['upload with :leave', step({ upload: { file: 'u.bin', address: '0x08000000:64:leave' } }), /steps\[2\]\.upload\.address: .*an upload takes ADDR\[:LEN\] only$/],
    ['mass-erase without force', step({ download: { file: 'fw.bin', address: '0x08000000:mass-erase' } }), /steps\[2\]\.download\.address: .*needs ':force'/],
    ['misspelt key', step({ download: { file: 'fw.bin', adress: '0x08000000' } }), /steps\[2\]\.download\.adress: unknown key$/],
    ['unknown step', step({ flash: { file: 'fw.bin' } }), /steps\[2\]\.flash: unknown step$/],
    ['two steps in one object', step({ reset: {}, leave: {} }), /steps\[2\]: one step per object, got "reset", "leave"$/],
    ['empty step', step({}), /steps\[2\]: empty step$/],
    ['a step that is a string', step('download' as unknown as object), /steps\[2\]: expected an object/],
    ['file missing', step({ download: {} }), /steps\[2\]\.download\.file: missing \(a string is required\)$/],
    ['file not a string', step({ download: { file: 7 } }), /steps\[2\]\.download\.file: expected string, received number$/],
    ['empty file name', step({ upload: { file: '' } }), /steps\[2\]\.upload\.file: the file name is empty$/],
    ['alt out of range', step({ download: { file: 'fw.bin', alt: 256 } }), /steps\[2\]\.download\.alt: 256 is out of range/],
    ['bad format', step({ download: { file: 'fw.bin', format: 'zip' } }), /steps\[2\]\.download\.format: /],
    ['verify not a boolean', step({ download: { file: 'fw.bin', verify: 'yes' } }), /steps\[2\]\.download\.verify: expected boolean/],
    ['timeout 0', step({ reset: { timeoutMs: 0 } }), /steps\[2\]\.reset\.timeoutMs: /],
    ['leave address too big', step({ leave: { address: '0x100000000' } }), /steps\[2\]\.leave\.address: "0x100000000": out of range/],
    ['detach with a stray key', step({ detach: { wait: true } }), /steps\[2\]\.detach\.wait: unknown key$/],
    ['bad device', JSON.stringify({ device: '0483:zz', steps: [{ reset: {} }] }), /^plan file plan\.json: device: "0483:zz": "zz" is not a hexadecimal product ID$/],
    ['bad path', JSON.stringify({ path: 'usb1', steps: [{ reset: {} }] }), /^plan file plan\.json: path: "usb1": expected bus-port/],
    ['unknown top-level key', JSON.stringify({ stpes: [], steps: [{ reset: {} }] }), /^plan file plan\.json: stpes: unknown key$/],
    ['no steps', JSON.stringify({ steps: [] }), /^plan file plan\.json: steps: a plan needs at least one step$/],
    ['steps missing', JSON.stringify({ device: '0483:df11' }), /^plan file plan\.json: steps: missing/],
    ['not an object', '[1,2]', /^plan file plan\.json: \(top level\): expected a JSON object with "steps", got an array$/],
    ['not JSON', '{"steps": [', /^plan file plan\.json is not valid JSON: /],
    ['all without placeholders in an upload', JSON.stringify({ all: true, steps: [{ upload: { file: 'dump.bin' } }] }), /^plan file plan\.json: steps\[0\]\.upload\.file: every board would write the same file$/],
  ];
  for (const [name, text, message] of cases) {
    test(name, () =>
      withFiles({ 'plan.json': text, 'fw.bin': new Uint8Array(8) }, async (dir) => {
        const io = memoryIo({ cwd: dir });
        const factory = backendFactory();
        const code = await run(['run', 'plan.json', '--simulate', 'stm32f4-sysboot'], io, { ops: fakeOps(), createBackend: factory.createBackend });
        assert.equal(code, 64, io.err());
        const [line, hint] = io.err().split('\n');
        assert.match(line!.replace(/^dfu-flash: error: /, ''), message);
        assert.match(hint!, /^ {2}hint: ./);
        assert.equal(factory.requests.length, 0, 'no backend was created');
      }),
    );
  }

  test('the same error through loadPlanFile carries the path in details', () =>
    withFiles({ 'p.json': JSON.stringify({ steps: [{ leave: { address: 'x' } }] }) }, async (dir) => {
      assert.throws(
        () => loadPlanFile(join(dir, 'p.json'), { selector: {} }),
        (e: unknown) => e instanceof DfuFlashError && e.code === 'USAGE' && e.details['path'] === 'steps[0].leave.address',
      );
    }));

  test('--all with -N: 64; a missing plan file: 66', () =>
    withFiles({ 'plan.json': JSON.stringify({ steps: [{ reset: {} }] }) }, async (dir) => {
      const io = memoryIo({ cwd: dir });
      assert.equal(await run(['run', 'plan.json', '--all', '-N', '1'], io, { ops: fakeOps(), createBackend: backendFactory().createBackend }), 64);
      const missing = memoryIo({ cwd: dir });
      assert.equal(await run(['run', 'nope.json'], missing, { ops: fakeOps(), createBackend: backendFactory().createBackend }), 66);
      assert.match(missing.err(), /^dfu-flash: error: plan file nope\.json not found\n/);
    }));

  test('files are checked before any device: a missing firmware 66, an existing upload 73 (unless "force")', () =>
    withFiles({ 'dump.bin': 'old', 'fw.bin': new Uint8Array(4) }, async (dir) => {
      const plans: [object, number, RegExp][] = [
        [{ steps: [{ download: { file: 'fw.bin' } }, { download: { file: 'missing.bin' } }] }, 66, /^plan file plan\.json: steps\[1\]\.download\.file: firmware file missing\.bin not found$/],
        [{ steps: [{ upload: { file: 'dump.bin' } }] }, 73, /^plan file plan\.json: steps\[0\]\.upload\.file: output file dump\.bin already exists$/],
        [{ steps: [{ upload: { file: 'nodir/dump.bin' } }] }, 66, /steps\[0\]\.upload\.file: directory nodir for the output file does not exist$/],
      ];
      for (const [plan, exit, message] of plans) {
        await writeFile(join(dir, 'plan.json'), JSON.stringify(plan));
        const io = memoryIo({ cwd: dir });
        const factory = backendFactory();
        assert.equal(await run(['run', 'plan.json'], io, { ops: fakeOps(), createBackend: factory.createBackend }), exit, io.err());
        assert.match(io.err().split('\n')[0]!.replace(/^dfu-flash: error: /, ''), message);
        assert.equal(factory.requests.length, 0);
      }
      await writeFile(join(dir, 'plan.json'), JSON.stringify({ steps: [{ upload: { file: 'dump.bin', force: true } }, { download: { file: 'fw-{serial}.bin' } }] }));
      const ops = fakeOps({ boards: [] });
      assert.equal(await run(['run', 'plan.json'], memoryIo({ cwd: dir }), { ops, createBackend: backendFactory().createBackend }), 69, 'checked, then no board found');
      assert.deepEqual(ops.calls.map((c) => c.op), ['findBoards']);
    }));
});

describe('run against simulated boards', () => {
  const FW = pattern(30_000, 5);
  const PLAN = {
    device: ',0483:df11',
    alt: 0,
    steps: [
      { download: { file: 'fw.bin', address: '0x08000000', verify: true } },
      { upload: { file: 'back-{port}.bin', address: '0x08000000:30000' } },
      { leave: { address: '0x08000000' } },
    ],
  };

  test('--all: each board is flashed, read back to its own file and started; results per board and step', () =>
    withFiles({ 'fw.bin': FW, 'plan.json': JSON.stringify(PLAN) }, async (dir) => {
      const r = await simRun(['run', 'plan.json', '--all'], ['stm32f4-sysboot', 'stm32f4-sysboot'], { cwd: dir });
      assert.equal(r.code, 0, r.io.err());
      for (const d of r.backend.bus.devices) assert.deepEqual(d.readFlash(0x08000000, FW.length), FW);
      for (const port of ['1-1', '1-2']) {
        assert.deepEqual(new Uint8Array(await readFile(join(dir, `back-${port}.bin`))), FW);
        assert.match(r.io.err(), new RegExp(`^\\[${port}\\] step 1 download: Downloaded 30000 bytes to 0483:df11 \\(${port}\\) alt 0 in .*, verified`, 'm'));
        assert.match(r.io.err(), new RegExp(`^\\[${port}\\] step 2 upload: Uploaded 30000 bytes from 0483:df11 \\(${port}\\) alt 0 to back-${port}\\.bin in `, 'm'));
        assert.match(r.io.err(), new RegExp(`^\\[${port}\\] step 3 leave: Leave sent to 0483:df11 \\(${port}\\) in .*; device left DFU mode$`, 'm'));
      }
      assert.match(r.io.err(), /\n2 boards: 2 ok\n$/);
    }));

  test('a failing step stops that board only; exit status, "not run" steps, and the --json result', () =>
    withFiles({ 'fw.bin': FW, 'plan.json': JSON.stringify({ ...PLAN, all: true }) }, async (dir) => {
      const setup = (b: Parameters<NonNullable<Parameters<typeof simRun>[2]['setup']>>[0]) =>
        b.bus.devices[0]!.faults.add({ request: 'DFU_DNLOAD', nth: 10, action: { status: DfuStatus.errPROG } });
      const text = await simRun(['run', 'plan.json'], ['stm32f4-sysboot', 'stm32f4-sysboot'], { cwd: dir, setup });
      assert.equal(text.code, 76, text.io.err());
      assert.match(text.io.err(), /^\[1-1\] dfu-flash: error: step 1 download: .*errPROG/m);
      assert.match(text.io.err(), /^\[1-1\] steps 2-3 not run$/m);
      assert.match(text.io.err(), /^\[1-2\] step 3 leave: /m);
      assert.match(text.io.err(), /\n2 boards: 1 ok, 1 failed \(1-1\)\n$/);
      assert.deepEqual(new Uint8Array(await readFile(join(dir, 'back-1-2.bin'))), FW);
      await rm(join(dir, 'back-1-2.bin'));

      const json = await simRun(['run', 'plan.json', '--json'], ['stm32f4-sysboot', 'stm32f4-sysboot'], { cwd: dir, setup });
      assert.equal(json.code, 76);
      const lines = ndjson(json.io);
      for (const e of lines.slice(0, -1)) assert.ok(['1-1', '1-2'].includes(e['board'] as string), JSON.stringify(e));
      const result = lines.at(-1)! as { type: string; ok: boolean; operation: string; plan: string; exitCode: number; boards: { portPath: string; ok: boolean; steps: { step: number; kind: string; ok: boolean; bytes?: number; error?: { code: string } }[] }[] };
      assert.deepEqual([result.type, result.ok, result.operation, result.plan, result.exitCode], ['result', false, 'run', join(dir, 'plan.json'), 76]);
      assert.deepEqual(
        result.boards.map((b) => [b.portPath, b.ok, b.steps.map((s) => [s.step, s.kind, s.ok])]),
        [
          ['1-1', false, [[1, 'download', false]]],
          ['1-2', true, [[1, 'download', true], [2, 'upload', true], [3, 'leave', true]]],
        ],
      );
      assert.equal(result.boards[0]!.steps[0]!.error?.code, 'DFU_STATUS');
      assert.equal(result.boards[1]!.steps[1]!.bytes, 30000);
    }));

  test('one board (no "all"): the plan runs on the only match; -N picks it among several', () =>
    withFiles({ 'fw.bin': FW, 'plan.json': JSON.stringify({ alt: 0, steps: [{ download: { file: 'fw.bin', address: '0x08000000' } }] }) }, async (dir) => {
      const r = await simRun(['run', 'plan.json', '-N', '2'], ['stm32f4-sysboot', 'stm32f4-sysboot'], { cwd: dir });
      assert.equal(r.code, 0, r.io.err());
      const [a, b] = r.backend.bus.devices;
      assert.ok(a!.readFlash(0x08000000, 16).every((x) => x === 0xff), 'board 1 untouched');
      assert.deepEqual(b!.readFlash(0x08000000, FW.length), FW);
      assert.match(r.io.err(), /\n1 board: 1 ok\n$/);
    }));
});
