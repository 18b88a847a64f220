/**
 * A plan file as a flasher site (src/web-host/from-plan.ts): download steps
 * become the page's files in order with their address, alt and options; the
 * plan's device IDs the devices the page offers; what a page cannot do is a
 * USAGE error naming the plan and the step.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDfuseAddress } from '../../src/dfu/dfuse-address.js';
import { parseDeviceIds } from '../../src/cli/parse-values.js';
import type { FlashPlan } from '../../src/cli/requests.js';
import { isDfuFlashError } from '../../src/shared/errors.js';
import { deviceText, lockOf, specFromPlan } from '../../src/web-host/from-plan.js';

const BASE = { mode: 'site' as const, title: undefined, devices: [], device: undefined };
const plan = (p: Partial<FlashPlan>): FlashPlan => ({ selector: {}, all: false, steps: [], ...p });

test('detach, two downloads, leave: the files in order, the leave at the end, verify off if any step says so', () => {
  const spec = specFromPlan(
    plan({
      selector: { ...parseDeviceIds('0483:5740,0483:df11'), dfuSerial: '3276365B3138', alt: 0 },
      steps: [
        { kind: 'detach' },
        { kind: 'download', file: '/fw/boot.bin', dfuse: parseDfuseAddress('0x08000000'), verify: false },
        { kind: 'download', file: '/fw/app.hex', alt: 'Internal Flash', skipUnchanged: true },
        { kind: 'leave' },
      ],
    }),
    '/fw/plan.json',
    BASE,
  );
  assert.deepEqual(spec, {
    ...BASE,
    devices: [
      { vendorId: 0x0483, productId: 0x5740 },
      { vendorId: 0x0483, productId: 0xdf11 },
    ],
    device: '0483:5740,0483:df11',
    serial: '3276365B3138',
    firmware: [
      { file: '/fw/boot.bin', address: 0x08000000, alt: 0 },
      { file: '/fw/app.hex', alt: 'Internal Flash' },
    ],
    options: { verify: false, leave: true, skipUnchanged: true },
  });
});

test('-d syntax back and forth; one pair locks the page to it (the board in DFU mode is taken when the user selects it)', () => {
  for (const [text, back] of [
    ['0483:df11', '0483:df11'],
    ['0483:5740,0483:df11', '0483:5740,0483:df11'],
    [',0483:df11', '-,0483:df11'], // the same selection: DFU mode only
    ['-,0483:df11', '-,0483:df11'],
    ['0483:*,*:*', '0483:*,*:*'],
  ]) {
    assert.equal(deviceText(parseDeviceIds(text!)), back, text);
    assert.deepEqual(parseDeviceIds(back!), parseDeviceIds(text!), text);
  }
  assert.deepEqual(lockOf(parseDeviceIds('0483:df11')), [{ vendorId: 0x0483, productId: 0xdf11 }]);
  assert.deepEqual(lockOf(parseDeviceIds('0483:5740,0483:df11')), [
    { vendorId: 0x0483, productId: 0x5740 },
    { vendorId: 0x0483, productId: 0xdf11 },
  ]);
  assert.deepEqual(lockOf(parseDeviceIds('1209:*,1209:db42')), [{ vendorId: 0x1209 }, { vendorId: 0x1209, productId: 0xdb42 }]);
});

test('what a page cannot do is refused, naming the step', () => {
  const cases: [Partial<FlashPlan>, RegExp][] = [
    [{ all: true, steps: [{ kind: 'download', file: '/a.bin' }] }, /"all"/],
    [{ selector: { path: '1-1' }, steps: [{ kind: 'download', file: '/a.bin' }] }, /"path"/],
    [{ steps: [{ kind: 'upload', file: '/dump.bin', force: false }] }, /steps\[0\]: an upload/],
    [{ steps: [{ kind: 'download', file: '/a.bin' }, { kind: 'reset' }] }, /steps\[1\]: a reset step/],
    [{ steps: [{ kind: 'download', file: '/a.bin' }, { kind: 'leave', address: 0x08000000 }] }, /steps\[1\]\.leave\.address/],
    [{ steps: [{ kind: 'leave' }, { kind: 'download', file: '/a.bin' }] }, /steps\[0\]: the page leaves DFU mode only at the end/],
    [{ steps: [{ kind: 'download', file: '/a.bin', dfuse: parseDfuseAddress('0x08000000:mass-erase:force') }] }, /mass-erase/],
    [{ steps: [{ kind: 'detach' }] }, /no download step/],
  ];
  for (const [p, message] of cases) {
    assert.throws(
      () => specFromPlan(plan(p), '/p.json', BASE),
      (e: unknown) => isDfuFlashError(e, 'USAGE') && message.test(e.message) && e.message.startsWith('plan file /p.json: ') && (e.hint ?? '') !== '',
      String(message),
    );
  }
});
