/**
 * The tests' WebUSB policy (support/policy.ts): Chromium takes a policy from
 * one file only, so grants made at once by several test processes must all
 * be in the one file, and one taken back must leave the others in place.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { POLICY_FILE, policyAvailable, writeWebUsbPolicy } from './support/policy.js';

const policy = policyAvailable();
const skip = policy.ok ? false : policy.reason;

/** The origins the policy file grants, each with its devices as Chromium reads them. */
function granted(): Record<string, unknown> {
  if (!existsSync(POLICY_FILE)) return {};
  const policy = JSON.parse(readFileSync(POLICY_FILE, 'utf8')) as { WebUsbAllowDevicesForUrls: { devices: unknown; urls: string[] }[] };
  return Object.fromEntries(policy.WebUsbAllowDevicesForUrls.map((g) => [g.urls[0], g.devices]));
}

test('grants made at once are all in the one policy file; taking one back leaves the others; a dead process’s grant is dropped', { skip }, () => {
  const a = 'http://127.0.0.1:1';
  const b = 'http://127.0.0.1:2';
  const c = 'http://127.0.0.1:3';
  const takeA = writeWebUsbPolicy(a, [{ vendorId: 0x0483, productId: 0xdf11 }], `policy-test-a-${process.pid}`);
  const takeB = writeWebUsbPolicy(b, [{ vendorId: 0x1209 }], `policy-test-b-${process.pid}`);
  try {
    assert.deepEqual([granted()[a], granted()[b]], [[{ vendor_id: 0x0483, product_id: 0xdf11 }], [{ vendor_id: 0x1209 }]]);
    // the same name again replaces that grant
    writeWebUsbPolicy(a, [{ vendorId: 0x0483, productId: 0x5740 }], `policy-test-a-${process.pid}`);
    assert.deepEqual(granted()[a], [{ vendor_id: 0x0483, product_id: 0x5740 }]);
    takeA();
    assert.deepEqual([granted()[a], granted()[b]], [undefined, [{ vendor_id: 0x1209 }]]);
    // a grant on behalf of a process that has exited is gone at the next change
    const exited = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeWebUsbPolicy(c, [{ vendorId: 0x1d50 }], `policy-test-c-${process.pid}`, exited);
    assert.equal(granted()[c], undefined);
  } finally {
    takeA();
    takeB();
  }
  assert.deepEqual([granted()[a], granted()[b]], [undefined, undefined]);
});
