/**
 * udev rules for Linux: one `TAG+="uaccess"` rule per known DFU device, so
 * the logged-in user may open it without root. `installUdevRules` writes them
 * atomically and asks udev to reload and re-apply them.
 */
import { DfuFlashError, hex16 } from '../shared/errors.js';
import { writeFileAtomic } from './files.js';
import { KNOWN_DFU_DEVICES, type KnownDevice } from './known-devices.js';
import type { SystemDeps } from './system.js';

/** The rule for one VID:PID. */
export function udevRuleLine(vendorId: number, productId: number): string {
  return `SUBSYSTEM=="usb", ATTRS{idVendor}=="${hex16(vendorId)}", ATTRS{idProduct}=="${hex16(productId)}", TAG+="uaccess"`;
}

/** The whole rules file. */
export function udevRulesText(devices: readonly KnownDevice[] = KNOWN_DFU_DEVICES, path = '/etc/udev/rules.d/70-dfu-flash.rules'): string {
  const lines = [
    '# dfu-flash: let the logged-in user open known USB DFU devices without root.',
    `# Install as ${path} (uaccess must be tagged before 73-seat-late.rules):`,
    '#   sudo dfu-flash udev-rules --install',
    '# then replug the device. Add a line like these for a device not listed.',
  ];
  for (const d of devices) {
    lines.push('', `# ${d.name} [${hex16(d.vendorId)}:${hex16(d.productId)}, ${d.mode === 'dfu' ? 'DFU mode' : 'runtime mode'}]`, udevRuleLine(d.vendorId, d.productId));
  }
  return lines.join('\n') + '\n';
}

export interface InstallStep {
  command: string;
  ok: boolean;
  /** Exit code, or why it could not run. */
  detail?: string | undefined;
}

export interface InstallResult {
  path: string;
  devices: number;
  steps: InstallStep[];
}

function notRoot(system: SystemDeps): DfuFlashError {
  return new DfuFlashError('ACCESS', `writing ${system.udevRulesPath} needs root`, {
    hint: 'run it with sudo: sudo dfu-flash udev-rules --install (or save the output of "dfu-flash udev-rules" there yourself)',
    details: { path: system.udevRulesPath },
  });
}

async function runStep(system: SystemDeps, args: string[]): Promise<InstallStep> {
  const command = [system.udevadm, ...args].join(' ');
  try {
    const r = await system.exec(system.udevadm, args);
    if (r.code === 0) return { command, ok: true };
    const why = r.stderr.trim().split('\n')[0] ?? '';
    return { command, ok: false, detail: `exit ${r.code}${why === '' ? '' : `: ${why}`}` };
  } catch (e) {
    return { command, ok: false, detail: (e as Error).message };
  }
}

/** Write the rules (as root, Linux only), then reload udev and re-trigger USB devices. */
export async function installUdevRules(system: SystemDeps, text: string = udevRulesText(KNOWN_DFU_DEVICES, system.udevRulesPath)): Promise<InstallResult> {
  if (system.platform !== 'linux') {
    const hint =
      system.platform === 'win32'
        ? 'Windows needs the WinUSB driver instead: install it with Zadig (Options > List All Devices > pick the DFU device > WinUSB > Replace Driver)'
        : 'macOS needs no rules: any user may open USB devices';
    throw new DfuFlashError('UNSUPPORTED', `udev rules are for Linux; this system is ${system.platform}`, { hint });
  }
  if (!system.isRoot()) throw notRoot(system);
  try {
    await writeFileAtomic(system.udevRulesPath, new TextEncoder().encode(text), true);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw notRoot(system);
    throw new DfuFlashError('FILE_NOT_FOUND', `cannot write ${system.udevRulesPath}: ${(e as Error).message}`, {
      hint: 'check that udev is installed (the rules.d folder exists) and writable',
      cause: e,
    });
  }
  const steps = [await runStep(system, ['control', '--reload-rules'])];
  steps.push(await runStep(system, ['trigger', '--subsystem-match=usb']));
  return { path: system.udevRulesPath, devices: KNOWN_DFU_DEVICES.length, steps };
}
