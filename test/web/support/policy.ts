/**
 * Chromium's managed policy that grants a test origin WebUSB access to
 * devices up front (WebUsbAllowDevicesForUrls), so getDevices() returns them
 * without a chooser. Written to /etc/chromium/policies/managed/ (root only),
 * read when Chromium starts, removed afterwards.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const POLICY_DIR = '/etc/chromium/policies/managed';

export interface PolicyDevice {
  vendorId: number;
  productId?: number;
}

export function policyAvailable(): { ok: boolean; reason?: string } {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return { ok: false, reason: `writing a Chromium policy to ${POLICY_DIR} needs root (the tests run as root in CI)` };
  }
  return { ok: true };
}

/** The policy's JSON: decimal ids, as Chromium wants them. */
export function webUsbPolicy(origin: string, devices: PolicyDevice[]): unknown {
  return {
    WebUsbAllowDevicesForUrls: [
      { devices: devices.map((d) => (d.productId === undefined ? { vendor_id: d.vendorId } : { vendor_id: d.vendorId, product_id: d.productId })), urls: [origin] },
    ],
  };
}

/** Write the policy file; returns the function that removes it. */
export function writeWebUsbPolicy(origin: string, devices: PolicyDevice[], name = `dfu-flash-test-${process.pid}`): () => void {
  mkdirSync(POLICY_DIR, { recursive: true });
  const path = join(POLICY_DIR, `${name}.json`);
  writeFileSync(path, JSON.stringify(webUsbPolicy(origin, devices)) + '\n');
  return () => {
    if (existsSync(path)) rmSync(path, { force: true });
  };
}
