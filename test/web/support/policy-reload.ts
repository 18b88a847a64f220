/**
 * Changing what a running Chromium grants by policy: replace the test's grant
 * (policy.ts rebuilds the managed policy file from every grant), then press
 * "Reload policies" on chrome://policy (Chromium re-reads the files;
 * getDevices() then returns the newly allowed devices).
 * Seen to work with Debian's Chromium headless; it stands in for a user
 * picking the device in the chooser, which no automation can reach.
 */
import type { Browser, Page } from 'puppeteer-core';
import { writeWebUsbPolicy, type PolicyGrant } from './policy.js';

const CLICK_RELOAD = `(() => {
  const find = (root) => {
    const el = root.querySelector('#reload-policies');
    if (el) return el;
    for (const e of root.querySelectorAll('*')) if (e.shadowRoot) { const f = find(e.shadowRoot); if (f) return f; }
    return null;
  };
  const button = find(document);
  if (button === null) return false;
  button.click();
  return true;
})()`;

const VISIBLE = "navigator.usb.getDevices().then((ds) => ds.length)";

/** Replace the grant of that name (the test process that owns it takes it back), reload the policy, and wait (hang guard 30 s) until `flasher` sees more devices than before. */
export async function grantByPolicy(browser: Browser, flasher: Page, grant: PolicyGrant): Promise<void> {
  const before = (await flasher.evaluate(VISIBLE)) as number;
  writeWebUsbPolicy(grant.origin, grant.devices, grant.name, grant.owner);
  const page = await browser.newPage();
  try {
    await page.goto('chrome://policy', { timeout: 20_000 });
    await page.waitForFunction(CLICK_RELOAD, { timeout: 20_000, polling: 100 });
  } finally {
    await page.close();
  }
  await flasher.waitForFunction(`${VISIBLE}.then((n) => n > ${before})`, { timeout: 30_000, polling: 100 });
}
