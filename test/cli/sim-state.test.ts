/** --sim-state files: lossless encoding, atomic writes, clear errors for bad files. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { decodeValue, encodeValue, readSimState, restoreSimState, saveSimState, simStateOf } from '../../src/cli/sim-state.js';
import { DfuFlashError } from '../../src/shared/errors.js';
import { FakeSimDevice } from './helpers.js';

const roundTrip = (v: unknown): unknown => decodeValue(JSON.parse(JSON.stringify(encodeValue(v))));

describe('encoding', () => {
  test('bytes, maps, sets, bigint, undefined, special numbers survive JSON', () => {
    const value = {
      flash: new Uint8Array([0, 1, 0xfe, 0xff]),
      words: new Uint32Array([0xdeadbeef]),
      erased: new Set([0x08000000, 0x08004000]),
      byAlt: new Map<unknown, unknown>([[0, 'a'], ['k', new Uint8Array(2)]]),
      big: 2n ** 70n,
      missing: undefined,
      list: [undefined, NaN, -0, Infinity, -Infinity, null],
      $type: 'a user key that looks like a tag',
    };
    assert.deepStrictEqual(roundTrip(value), value);
  });

  test('byte arrays are stored as base64', () => {
    assert.deepEqual(encodeValue(new Uint8Array([1, 2, 3])), { $type: 'bytes', view: 'Uint8Array', base64: 'AQID' });
  });

  test('a Buffer comes back as a Uint8Array with the same bytes', () => {
    const back = roundTrip(Buffer.from([9, 8, 7]));
    assert.ok(back instanceof Uint8Array);
    assert.deepEqual([...(back as Uint8Array)], [9, 8, 7]);
  });

  test('property: decode(JSON(encode(v))) equals v', () => {
    fc.assert(
      fc.property(
        fc.anything({
          withBigInt: true,
          withMap: true,
          withSet: true,
          withTypedArray: true,
          withBoxedValues: false,
          withDate: false,
          withSparseArray: false,
          withNullPrototype: false,
          withObjectString: false,
        }),
        (v) => {
          assert.deepStrictEqual(roundTrip(v), v);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('files', () => {
  test('save then read: atomic, no temporary files left', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dfu-flash-state-'));
    try {
      const devices = [new FakeSimDevice('stm32f4-sysboot', 8)];
      devices[0]!.flash.set([1, 2, 3], 0);
      const file = join(dir, 'flash.json');
      await saveSimState(file, devices);
      assert.deepEqual(await readdir(dir), ['flash.json']);
      const state = await readSimState(file);
      assert.deepEqual(state, JSON.parse(JSON.stringify(simStateOf(devices))));
      assert.equal(state!.devices[0]!.profile, 'stm32f4-sysboot');

      const fresh = [new FakeSimDevice('stm32f4-sysboot', 8)];
      assert.deepEqual(restoreSimState(fresh, state!), []);
      assert.deepEqual([...fresh[0]!.flash], [1, 2, 3, 0xff, 0xff, 0xff, 0xff, 0xff]);

      // overwriting an existing file also goes through a temporary file
      devices[0]!.flash[7] = 0;
      await saveSimState(file, devices);
      assert.deepEqual(await readdir(dir), ['flash.json']);
      const again = await readSimState(file);
      const restored = [new FakeSimDevice('stm32f4-sysboot', 8)];
      restoreSimState(restored, again!);
      assert.equal(restored[0]!.flash[7], 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('missing file: undefined (first run)', async () => {
    assert.equal(await readSimState('/nonexistent/dir/state.json'), undefined);
  });

  test('bad files are USAGE errors with a hint', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dfu-flash-state-'));
    try {
      const cases: [string, string][] = [
        ['{not json', 'is not valid JSON'],
        ['{"format":"other","version":1,"devices":[]}', 'is not a dfu-flash-sim-state version 1 file'],
        ['{"format":"dfu-flash-sim-state","version":2,"devices":[]}', 'is not a dfu-flash-sim-state version 1 file'],
        ['{"format":"dfu-flash-sim-state","version":1,"devices":[{"snapshot":1}]}', 'is not a dfu-flash-sim-state version 1 file'],
        ['null', 'is not a dfu-flash-sim-state version 1 file'],
      ];
      for (const [text, problem] of cases) {
        const file = join(dir, 's.json');
        await writeFile(file, text);
        await assert.rejects(readSimState(file), (e: unknown) => {
          assert.ok(e instanceof DfuFlashError);
          assert.equal(e.code, 'USAGE');
          assert.equal(e.message, `sim state file ${file} ${problem}`);
          assert.equal(e.hint, "delete the file to start again from the profile's initial memory");
          return true;
        });
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('saving into a missing directory fails cleanly', async () => {
    await assert.rejects(saveSimState('/nonexistent/dir/state.json', [new FakeSimDevice('x')]), (e: unknown) => {
      assert.ok(e instanceof DfuFlashError);
      assert.equal(e.code, 'USAGE');
      assert.ok(e.message.startsWith('cannot save sim state to /nonexistent/dir/state.json: '));
      return true;
    });
  });

  test('restore: profile or count mismatches are reported, matching devices restored', () => {
    const saved = simStateOf([new FakeSimDevice('a', 2), new FakeSimDevice('b', 2)]);
    saved.devices[0]!.snapshot = encodeValue({ flash: new Uint8Array([7, 7]) });
    const devices = [new FakeSimDevice('a', 2), new FakeSimDevice('c', 2), new FakeSimDevice('d', 2)];
    const notes = restoreSimState(devices, JSON.parse(JSON.stringify(saved)));
    assert.deepEqual(notes, [
      'sim state for device 1 is for profile b, not c; ignored',
      'sim state has no entry for device 2 (d); it starts from its initial memory',
    ]);
    assert.deepEqual([...devices[0]!.flash], [7, 7]);
    assert.deepEqual([...devices[1]!.flash], [0xff, 0xff]);
  });
});
