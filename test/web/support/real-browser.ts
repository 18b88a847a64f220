/**
 * Whether the suites that run Debian's Chromium inside the umockdev harness
 * (its own WebUSB stack reaching emulated devices, access granted by a managed
 * policy) can run here: false, or why not.
 */
import { umockdevAvailable } from '../../e2e/harness/run.js';
import { chromiumAvailable } from './chromium.js';
import { policyAvailable } from './policy.js';

export function realBrowserSkip(): string | false {
  const chromium = chromiumAvailable();
  if (!chromium.ok) return chromium.reason ?? 'Chromium is not usable';
  const umockdev = umockdevAvailable();
  if (!umockdev.ok) return umockdev.reason ?? 'umockdev is not usable';
  const policy = policyAvailable();
  if (!policy.ok) return policy.reason ?? 'no WebUSB policy';
  return false;
}
