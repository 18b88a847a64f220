import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as api from '../../src/index.js';
import { runPlan } from '../../src/cli/plan-run.js';
import { parseDfuseAddress } from '../../src/dfu/dfuse-address.js';
import type { FlashPlan } from '../../src/cli/requests.js';
import { pattern, rig, tempDir, writeTemp } from './helpers.js';

test('a plan detaches, downloads with verify, uploads and leaves, on every matching board', async () => {
  const dir = tempDir();
  const fw = pattern(9000, 12);
  writeTemp(dir, 'fw.bin', fw);
  const r = rig(['runtime-app', 'runtime-app']);
  const plan: FlashPlan = {
    selector: {},
    all: true,
    steps: [
      { kind: 'detach' },
      { kind: 'download', file: join(dir, 'fw.bin'), alt: 0, dfuse: parseDfuseAddress('0x08000000'), verify: true },
      { kind: 'upload', file: join(dir, 'readback-{port}.bin'), alt: 0, dfuse: parseDfuseAddress('0x08000000:9000') },
      { kind: 'leave', address: 0x08000000 },
    ],
  };
  const results = await runPlan(api, plan, r.ctx, () => () => undefined);
  assert.deepEqual(results.map((b) => [b.portPath, b.ok, b.steps.map((s) => s.kind).join(',')]), [
    ['1-1', true, 'detach,download,upload,leave'],
    ['1-2', true, 'detach,download,upload,leave'],
  ]);
  for (const port of ['1-1', '1-2']) assert.deepEqual(new Uint8Array(readFileSync(join(dir, `readback-${port}.bin`))), fw);
  assert.equal(results[0]!.steps[1]!.result?.verified, true);
});

test('a step that exceeds its timeout fails that board with TIMEOUT naming the step, and later steps do not run', async () => {
  const dir = tempDir();
  writeTemp(dir, 'fw.bin', pattern(200_000, 1));
  const r = rig(['stm32f4-sysboot']);
  const results = await runPlan(
    api,
    {
      selector: {},
      all: false,
      steps: [
        { kind: 'download', file: join(dir, 'fw.bin'), dfuse: parseDfuseAddress('0x08000000'), timeoutMs: 1000 },
        { kind: 'upload', file: join(dir, 'never.bin'), dfuse: parseDfuseAddress('0x08000000:16') },
      ],
    },
    r.ctx,
    () => () => undefined,
  );
  assert.equal(results[0]!.ok, false);
  assert.equal(results[0]!.steps.length, 1);
  assert.equal(results[0]!.steps[0]!.error?.code, 'TIMEOUT');
  assert.match(results[0]!.steps[0]!.error!.message, /step 1 \(download\) took longer than its timeout of 1000 ms/);
  assert.equal(existsSync(join(dir, 'never.bin')), false);
});
