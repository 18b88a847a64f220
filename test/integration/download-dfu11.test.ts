import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { download } from '../support/file-ops.js';
import { isDfuFlashError } from '../../src/shared/errors.js';
import { parseDfuseAddress } from '../../src/dfu/dfuse-address.js';
import { pattern, rig, tempDir, writeTemp, dfuRequests } from './helpers.js';

describe('plain DFU 1.1 on dapboot (simulated)', () => {
  test('lands at 0x08002000 and the device leaving after manifestation is a success', async () => {
    const r = rig(['dapboot']);
    const image = pattern(20 * 1024 + 17, 5);
    const file = writeTemp(tempDir(), 'fw.bin', image);
    const dev = r.device();
    const result = await download({ selector: {}, file, reset: false }, r.ctx);
    assert.deepEqual(dev.readFlash(0x08002000, image.length), image);
    assert.equal(dev.earlyPolls, 0);
    assert.equal(result.outcome, 'device manifested and left the bus');
    assert.ok(!r.events.some((e) => e.type === 'warning'));
    const blocks = dfuRequests(dev.transcript).filter((e) => e.request === 'DFU_DNLOAD').map((e) => e.setup.wValue);
    assert.deepEqual(blocks, Array.from({ length: 22 }, (_, i) => i), 'blocks 0..20 then the zero-length block 21');
  });

  test('-s is refused on a plain DFU device before any DFU request', async () => {
    const r = rig(['dapboot']);
    const file = writeTemp(tempDir(), 'fw.bin', pattern(100));
    await assert.rejects(download({ selector: {}, file, dfuse: parseDfuseAddress('0x08002000'), reset: false }, r.ctx), (e: unknown) => isDfuFlashError(e, 'USAGE'));
    assert.deepEqual(dfuRequests(r.device().transcript), []);
  });
});
