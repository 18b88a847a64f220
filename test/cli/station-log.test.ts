/**
 * The station's log file on its own: one write of one whole line per board
 * (in order, even when boards finish together), appended to what is there,
 * a cut-off last line closed first, and a failing write kept and reported.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StationLog, type WriteLine } from '../../src/cli/station/log-file.js';
import { withTempDir } from './tmp-dir.js';

test('each record is one write of one whole line, in the order appended', async () => {
  await withTempDir(async (dir) => {
    const writes: string[] = [];
    const record: WriteLine = async (handle, bytes) => {
      writes.push(new TextDecoder().decode(bytes));
      await handle.write(bytes);
    };
    const log = await StationLog.open(join(dir, 'l.ndjson'), 'l.ndjson', record);
    await Promise.all([log.append({ board: 1 }), log.append({ board: 2, text: 'a\nb' }), log.append({ board: 3 })]);
    await log.close();
    assert.deepEqual(writes, ['{"board":1}\n', '{"board":2,"text":"a\\nb"}\n', '{"board":3}\n']);
    assert.equal(await readFile(join(dir, 'l.ndjson'), 'utf8'), writes.join(''));
  });
});

test('appends to an existing log; a last line without its newline gets one before the first record', async () => {
  await withTempDir(async (dir) => {
    const file = join(dir, 'l.ndjson');
    await writeFile(file, '{"old":1}\n{"old":2');
    const writes: string[] = [];
    const log = await StationLog.open(file, 'l.ndjson', async (h, b) => {
      writes.push(new TextDecoder().decode(b));
      await h.write(b);
    });
    await log.append({ board: 1 });
    await log.append({ board: 2 });
    await log.close();
    assert.deepEqual(writes, ['\n{"board":1}\n', '{"board":2}\n'], 'the line break goes out with the first record, in the same write');
    assert.equal(await readFile(file, 'utf8'), '{"old":1}\n{"old":2\n{"board":1}\n{"board":2}\n');
  });
});

test('a failing write: kept as a FILE_NOT_FOUND error naming the log, later records not attempted', async () => {
  await withTempDir(async (dir) => {
    let calls = 0;
    const log = await StationLog.open(join(dir, 'l.ndjson'), 'l.ndjson', async () => {
      calls++;
      throw Object.assign(new Error('no space'), { code: 'ENOSPC' });
    });
    await log.append({ board: 1 });
    await log.append({ board: 2 });
    await log.close();
    assert.equal(calls, 1);
    assert.equal(log.error?.code, 'FILE_NOT_FOUND');
    assert.match(log.error?.message ?? '', /writing to the log .*l\.ndjson failed: it cannot be written \(ENOSPC\)/);
  });
});

test('a log that cannot be opened: FILE_NOT_FOUND with the reason', async () => {
  await withTempDir(async (dir) => {
    await assert.rejects(StationLog.open(join(dir, 'missing', 'l.ndjson'), 'missing/l.ndjson'), (e: Error & { code?: string }) => e.code === 'FILE_NOT_FOUND' && /its folder does not exist/.test(e.message));
    await assert.rejects(StationLog.open(dir, 'the-dir'), (e: Error & { code?: string }) => e.code === 'FILE_NOT_FOUND' && /is a directory/.test(e.message));
  });
});
