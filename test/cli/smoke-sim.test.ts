/**
 * The whole stack in-process: run() → real use cases → simulated devices
 * (createSimBackend through the default factory). Skipped with a message
 * while a use case still throws "not implemented".
 */
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/main.js';
import { memoryIo, type MemoryIo } from './helpers.js';



/** Run, and skip the test when the use case is not there yet. */
async function runOrSkip(t: TestContext, argv: string[], io: MemoryIo): Promise<number | undefined> {
  const code = await run(argv, io);
  if (code === 70 && /not implemented/.test(io.err())) {
    t.skip(`use case not implemented yet: ${io.err().split('\n')[0]}`);
    return undefined;
  }
  return code;
}

describe('with simulated devices', () => {
  test("list --simulate stm32f4-sysboot --json lists the device", async (t) => {
    const io = memoryIo();
    const code = await runOrSkip(t, ['list', '--simulate', 'stm32f4-sysboot', '--json'], io);
    if (code === undefined) return;
    assert.equal(code, 0, io.err());
    const doc = JSON.parse(io.out()) as { type: string; ok: boolean; devices: { vendorId: number; productId: number; mode: string; dfuse: boolean; alts: { name?: string }[] }[] };
    assert.equal(doc.type, 'result');
    assert.equal(doc.ok, true);
    assert.equal(doc.devices.length, 1);
    const d = doc.devices[0]!;
    assert.deepEqual([d.vendorId, d.productId, d.mode, d.dfuse], [0x0483, 0xdf11, 'dfu', true]);
    assert.equal(d.alts[0]!.name, '@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg');
  });

  test('list table shows the parsed regions', async (t) => {
    const io = memoryIo();
    const code = await runOrSkip(t, ['list', '--simulate', 'stm32f4-sysboot'], io);
    if (code === undefined) return;
    assert.equal(code, 0, io.err());
    assert.match(io.out(), /^# +VID:PID +MODE +SERIAL +PATH +DEVNUM +DFU +XFER +ATTRIBUTES\n1 +0483:df11 +DFU +\S+ +1-1 +\d+ +DfuSe 1\.1a +2048 +download, upload, will-detach\n/);
    assert.ok(io.out().includes('  intf 0 alt 0  "@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg"\n'));
    assert.ok(io.out().includes('Internal Flash: 0x08000000'));
  });

  test('download then upload in two runs with --sim-state reads back the firmware', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'dfu-flash-smoke-'));
    try {
      // 2840 deterministic bytes (the size of a small blink build): no dependency on ../shared
      const firmware = Buffer.from(Array.from({ length: 2840 }, (_, i) => (i * 151 + 7) & 0xff));
      const FIXTURE = join(dir, 'blink.bin');
      await writeFile(FIXTURE, firmware);
      const sim = ['--simulate', 'stm32f4-sysboot', '--sim-time-scale', '0', '--sim-state', 'flash.json'];
      const dl = memoryIo({ cwd: dir });
      const code = await runOrSkip(t, ['download', ...sim, '-a', '0', '-s', '0x08000000:leave', FIXTURE], dl);
      if (code === undefined) return;
      assert.equal(code, 0, dl.err());
      assert.match(dl.err(), new RegExp(`Downloaded ${firmware.length} bytes to 0483:df11 \\(1-1\\) alt 0 in \\d+\\.\\d\\d s`));
      assert.ok(!/[\u0000-\u0009\u000b-\u001f]/.test(dl.err()), 'plain output has no control characters');

      const up = memoryIo({ cwd: dir });
      const code2 = await runOrSkip(t, ['upload', ...sim, '-a', '0', '-s', `0x08000000:${firmware.length}`, 'back.bin'], up);
      if (code2 === undefined) return;
      assert.equal(code2, 0, up.err());
      assert.deepEqual(await readFile(join(dir, 'back.bin')), firmware);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('an unknown profile is a usage error naming the known ones', async () => {
    const io = memoryIo();
    assert.equal(await run(['list', '--simulate', 'no-such-board'], io), 64);
    assert.match(io.err(), /^dfu-flash: error: unknown simulation profile: no-such-board\n {2}hint: known profiles: .*stm32f4-sysboot/);
  });
});
