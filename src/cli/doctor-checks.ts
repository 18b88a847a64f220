/**
 * `dfu-flash doctor`: one check per fact that decides whether flashing can
 * work here — Node, the usb package and libusb, udev rules (Linux), and every
 * DFU device found with whether it can be opened. A failing check is a
 * result line, never an exception.
 */
import { readdir, readFile, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { hex16 } from '../shared/errors.js';
import { deviceMode } from '../dfu/device-mode.js';
import type { DfuDeviceInfo, UsbBackend } from '../transport/types.js';
import { asDfuFlashError } from './render-error.js';
import type { SystemDeps } from './system.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  /** Short id: node, os, usb-package, libusb, udev, user, devices, device. */
  name: string;
  status: CheckStatus;
  message: string;
  hint?: string | undefined;
}

export interface DoctorEnv {
  system: SystemDeps;
  /** Load libusb through the usb package (the libusb backend). */
  loadUsb(): Promise<UsbBackend>;
  /** With --simulate: the simulated devices, instead of the libusb backend's. */
  simulated?: (() => Promise<UsbBackend>) | undefined;
}

const MIN_NODE_MAJOR = 20;

export function checkNode(version: string): Check {
  const major = Number(/^v?(\d+)/.exec(version)?.[1] ?? NaN);
  if (major >= MIN_NODE_MAJOR) return { name: 'node', status: 'ok', message: `Node.js ${version}` };
  return { name: 'node', status: 'fail', message: `Node.js ${version} is too old (dfu-flash needs ${MIN_NODE_MAJOR} or newer)`, hint: `install Node.js ${MIN_NODE_MAJOR} or newer (https://nodejs.org)` };
}

export function checkOs(system: SystemDeps): Check {
  return { name: 'os', status: 'ok', message: `${system.platform} ${system.osRelease} (${system.arch})` };
}

export async function checkUsbPackage(system: SystemDeps): Promise<Check> {
  const facts = await system.usbPackage();
  if (facts.version === undefined) {
    return { name: 'usb-package', status: 'fail', message: `the usb package is not installed${facts.error === undefined ? '' : ` (${facts.error})`}`, hint: 'reinstall dfu-flash (npm install -g dfu-flash) so npm installs its usb dependency' };
  }
  const libusb = facts.libusbVersion === undefined ? 'libusb version not reported' : `bundled libusb ${facts.libusbVersion}`;
  return { name: 'usb-package', status: 'ok', message: `usb ${facts.version} (${libusb})` };
}

/** Rules files that give access to DFU devices: ours, dfu-util's, or any that mentions ST's 0483. */
export async function findUdevRules(dirs: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  const seen = new Set<string>();
  for (const dir of dirs) {
    // /lib is often a link to /usr/lib: look at each real folder once
    const real = await realpath(dir).catch(() => undefined);
    if (real === undefined || seen.has(real)) continue;
    seen.add(real);
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith('.rules')).sort()) {
      const path = join(dir, name);
      if (name === '70-dfu-flash.rules' || name === '60-dfu-util.rules') {
        found.push(path);
        continue;
      }
      const text = await readFile(path, 'utf8').catch(() => '');
      if (/idVendor\}=="0483"/i.test(text) || /\b0483\b/.test(text)) found.push(path);
    }
  }
  return found;
}

export async function checkUdev(system: SystemDeps): Promise<Check[]> {
  if (system.platform !== 'linux') return [];
  const checks: Check[] = [];
  const rules = await findUdevRules(system.udevRulesDirs);
  if (rules.length > 0) {
    checks.push({ name: 'udev', status: 'ok', message: `udev rules for DFU devices: ${rules.join(', ')}` });
  } else {
    checks.push({
      name: 'udev',
      status: 'warn',
      message: `no udev rules for DFU devices in ${system.udevRulesDirs.join(', ')}: only root may open them`,
      hint: 'sudo dfu-flash udev-rules --install',
    });
  }
  if (system.isRoot()) {
    checks.push({ name: 'user', status: 'warn', message: 'running as root: the device checks below do not show what a normal user may open', hint: 'run dfu-flash doctor without sudo' });
  }
  return checks;
}

function describe(d: DfuDeviceInfo): string {
  const mode = deviceMode(d) === 'runtime' ? 'runtime mode' : 'DFU mode';
  const name = d.product === undefined ? '' : ` ${JSON.stringify(d.product)}`;
  return `${hex16(d.vendorId)}:${hex16(d.productId)}${name} (${mode}) at ${d.portPath}`;
}

export function checkDevice(d: DfuDeviceInfo, platform: NodeJS.Platform): Check {
  const e = d.stringError;
  if (e === undefined) {
    const serial = d.serial === undefined ? '' : `, serial ${d.serial}`;
    return { name: 'device', status: 'ok', message: `${describe(d)}: can be opened${serial}, ${d.alts.length} alt setting${d.alts.length === 1 ? '' : 's'}` };
  }
  const blocking = ['ACCESS', 'DRIVER', 'BUSY', 'UNSUPPORTED'].includes(e.code);
  let hint = e.hint;
  if (platform === 'linux' && e.code === 'ACCESS') hint = 'sudo dfu-flash udev-rules --install, then replug the device';
  return { name: 'device', status: blocking ? 'fail' : 'warn', message: `${describe(d)}: cannot be opened: ${e.message}`, hint };
}

async function checkDevices(backend: UsbBackend, system: SystemDeps, simulated: boolean): Promise<Check[]> {
  let devices: DfuDeviceInfo[];
  try {
    devices = await backend.list();
  } catch (e) {
    const err = asDfuFlashError(e);
    return [{ name: 'devices', status: 'fail', message: `listing USB devices failed: ${err.message}`, hint: err.hint }];
  }
  if (devices.length === 0) {
    return [
      {
        name: 'devices',
        status: 'warn',
        message: `no DFU device found${simulated ? ' (simulated)' : ''}`,
        hint: 'connect the device in DFU mode (ST parts: BOOT0 high during reset) or in its DFU-capable application',
      },
    ];
  }
  return devices.map((d) => checkDevice(d, system.platform));
}

function dispose(b: UsbBackend | undefined): void {
  try {
    b?.dispose();
  } catch {
    // nothing useful to do
  }
}

/** Run every check, in order. Never throws. */
export async function runDoctor(env: DoctorEnv): Promise<Check[]> {
  const { system } = env;
  const checks: Check[] = [checkNode(system.nodeVersion), checkOs(system)];
  checks.push(await checkUsbPackage(system).catch((e) => ({ name: 'usb-package', status: 'fail' as const, message: String((e as Error).message) })));
  let usb: UsbBackend | undefined;
  try {
    usb = await env.loadUsb();
    checks.push({ name: 'libusb', status: 'ok', message: 'libusb loads through the usb package' });
  } catch (e) {
    const err = asDfuFlashError(e);
    checks.push({ name: 'libusb', status: 'fail', message: `libusb does not load: ${err.message}`, hint: err.hint });
  }
  checks.push(...(await checkUdev(system).catch(() => [])));
  let sim: UsbBackend | undefined;
  try {
    if (env.simulated !== undefined) {
      sim = await env.simulated();
      checks.push(...(await checkDevices(sim, system, true)));
    } else if (usb !== undefined) {
      checks.push(...(await checkDevices(usb, system, false)));
    }
  } catch (e) {
    const err = asDfuFlashError(e);
    checks.push({ name: 'devices', status: 'fail', message: err.message, hint: err.hint });
  } finally {
    dispose(sim);
    dispose(usb);
  }
  return checks;
}
