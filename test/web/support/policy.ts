/**
 * Chromium's managed policy that grants a test origin WebUSB access to
 * devices up front (WebUsbAllowDevicesForUrls), so getDevices() returns them
 * without a chooser. Written to /etc/chromium/policies/managed/ (root only),
 * read when Chromium starts (and again when the file changes), removed
 * afterwards.
 *
 * Chromium does not merge a policy set in two files of that folder (the file
 * read last wins), so every test process, and the bench, writes its grant to
 * a folder of its own (GRANTS_DIR) and one policy file is rebuilt from all the
 * live grants, under a lock: suites that run at once (the runner starts two
 * files at a time; two checkouts may test on one machine) never take each
 * other's grant away.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const POLICY_DIR = '/etc/chromium/policies/managed';
/** The one policy file the tests' grants make up. */
export const POLICY_FILE = join(POLICY_DIR, 'dfu-flash-tests.json');
const GRANTS_DIR = join(tmpdir(), 'dfu-flash-webusb-grants');
const LOCK = join(GRANTS_DIR, '.lock');

export interface PolicyDevice {
  vendorId: number;
  productId?: number;
}

/** One test's grant: `origin` may use `devices`, while process `owner` runs; `name` identifies it (the same name again replaces it). */
export interface PolicyGrant {
  name: string;
  owner: number;
  origin: string;
  devices: PolicyDevice[];
}

/** What a grant's file holds (its name is the file's). */
type Grant = Omit<PolicyGrant, 'name'>;

export function policyAvailable(): { ok: boolean; reason?: string } {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return { ok: false, reason: `writing a Chromium policy to ${POLICY_DIR} needs root (the tests run as root in CI)` };
  }
  return { ok: true };
}

/** The policy's JSON for these grants: decimal ids, as Chromium wants them. */
export function webUsbPolicy(grants: { origin: string; devices: PolicyDevice[] }[]): unknown {
  return {
    WebUsbAllowDevicesForUrls: grants.map((g) => ({
      devices: g.devices.map((d) => (d.productId === undefined ? { vendor_id: d.vendorId } : { vendor_id: d.vendorId, product_id: d.productId })),
      urls: [g.origin],
    })),
  };
}

/**
 * Grant `origin` these devices under `name` (the same name again replaces that
 * grant), on behalf of process `owner`; returns the function that takes it back.
 */
export function writeWebUsbPolicy(origin: string, devices: PolicyDevice[], name = `dfu-flash-test-${process.pid}`, owner = process.pid): () => void {
  mkdirSync(GRANTS_DIR, { recursive: true });
  const entry = join(GRANTS_DIR, `${name}.json`);
  withLock(() => {
    writeAtomic(entry, JSON.stringify({ owner, origin, devices } satisfies Grant));
    rebuild();
  });
  return () =>
    withLock(() => {
      rmSync(entry, { force: true });
      rebuild();
    });
}

/** The policy file from every grant whose owner still runs (under the lock). */
function rebuild(): void {
  const grants: Grant[] = [];
  for (const f of readdirSync(GRANTS_DIR).filter((n) => n.endsWith('.json')).sort()) {
    let g: Grant;
    try {
      g = JSON.parse(readFileSync(join(GRANTS_DIR, f), 'utf8')) as Grant;
    } catch {
      continue; // not a grant: grants are renamed into place whole, under the lock
    }
    if (alive(g.owner)) grants.push(g);
    else rmSync(join(GRANTS_DIR, f), { force: true });
  }
  if (grants.length === 0) {
    rmSync(POLICY_FILE, { force: true });
    return;
  }
  mkdirSync(POLICY_DIR, { recursive: true });
  writeAtomic(POLICY_FILE, JSON.stringify(webUsbPolicy(grants)) + '\n', dirname(POLICY_DIR));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Written whole or not at all; the temporary file lives in `tmpDir` (not read by Chromium). */
function writeAtomic(file: string, body: string, tmpDir = dirname(file)): void {
  const tmp = join(tmpDir, `.${process.pid}.${Math.random().toString(16).slice(2)}.tmp`);
  writeFileSync(tmp, body);
  renameSync(tmp, file);
}

/** Run `fn` holding the grants' lock (a folder made exclusively; one left by a killed process is taken over after 30 s). */
function withLock(fn: () => void): void {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 30_000) rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // released meanwhile
      }
      if (Date.now() > deadline) throw new Error(`the WebUSB policy lock ${LOCK} stayed taken for 60 s`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
  try {
    fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
