/** Picking one device and one alt setting from what the backend lists, as dfu-util's flags describe. */
import { DfuFlashError, hex16 } from '../shared/errors.js';
import { interfaceMode, type InterfaceMode } from '../dfu/device-mode.js';
import { isDfuseLayout, parseMemoryLayout } from '../dfu/memory-layout.js';
import type { DfuAltSetting, DfuDeviceInfo, UsbBackend } from '../transport/types.js';
import type { DeviceSelector, IdMatch } from './types.js';
import { isUnrelatedRuntime, namesRuntimeDevice } from './unrelated.js';

export interface Target {
  device: DfuDeviceInfo;
  alt: DfuAltSetting;
  mode: InterfaceMode;
}

function idMatches(m: IdMatch | undefined, d: DfuDeviceInfo): boolean {
  if (m === undefined) return true;
  return (m.vendorId === undefined || m.vendorId === d.vendorId) && (m.productId === undefined || m.productId === d.productId);
}

function altNameMatches(wanted: string, alt: DfuAltSetting): boolean {
  const name = alt.name;
  if (name === undefined) return false;
  if (name === wanted || name.trim() === wanted.trim()) return true;
  if (isDfuseLayout(name)) {
    try {
      return parseMemoryLayout(name).name.toLowerCase() === wanted.trim().toLowerCase();
    } catch {
      return false;
    }
  }
  return false;
}

/** Does this (device, alt) pair pass every device filter (ids, serial, path, devnum, cfg, intf)? The alt filter is altMatches. */
export function deviceMatches(sel: DeviceSelector, d: DfuDeviceInfo, alt: DfuAltSetting, mode: InterfaceMode): boolean {
  if (mode === 'runtime') {
    if (sel.runtimeIds === null) return false;
    if (!idMatches(sel.runtimeIds, d)) return false;
    if (sel.runtimeSerial !== undefined && sel.runtimeSerial !== '' && d.serial !== sel.runtimeSerial) return false;
  } else {
    if (!idMatches(sel.dfuIds, d)) return false;
    if (sel.dfuSerial !== undefined && sel.dfuSerial !== '' && d.serial !== sel.dfuSerial) return false;
  }
  if (sel.path !== undefined && d.portPath !== sel.path) return false;
  if (sel.devnum !== undefined && d.deviceAddress !== sel.devnum) return false;
  if (sel.cfg !== undefined && sel.cfg !== 0 && d.configurationValue !== sel.cfg) return false;
  if (sel.intf !== undefined && alt.interfaceNumber !== sel.intf) return false;
  return true;
}

/** -a: the alt setting number, its exact (or trimmed) interface string, or its DfuSe region name. */
export function altMatches(sel: DeviceSelector, alt: DfuAltSetting): boolean {
  if (sel.alt === undefined) return true;
  if (typeof sel.alt === 'number') return alt.alternateSetting === sel.alt;
  return altNameMatches(sel.alt, alt);
}

export function describeDevice(d: DfuDeviceInfo): string {
  const serial = d.serial === undefined ? '' : ` serial ${d.serial}`;
  return `${hex16(d.vendorId)}:${hex16(d.productId)} at ${d.portPath} (devnum ${d.deviceAddress}${serial})`;
}

/**
 * Choose the one device and alt setting an operation works on. `want` says which mode
 * the operation needs: a device found only in the other mode gives a clear error.
 */
export function chooseTarget(devices: DfuDeviceInfo[], sel: DeviceSelector, want: InterfaceMode): Target {
  const pairs: Target[] = [];
  const explicit = namesRuntimeDevice(sel);
  for (const device of devices) {
    for (const alt of device.alts) {
      const mode = interfaceMode(device, alt);
      if (mode === 'runtime' && !explicit && isUnrelatedRuntime(device, alt)) continue;
      if (deviceMatches(sel, device, alt, mode)) pairs.push({ device, alt, mode });
    }
  }
  const inMode = pairs.filter((p) => p.mode === want);
  if (inMode.length === 0) {
    const other = pairs.filter((p) => p.mode !== want);
    if (want === 'dfu' && other.length > 0) {
      const d = other[0]!.device;
      throw new DfuFlashError('RUNTIME_MODE', `${describeDevice(d)} is in runtime mode, not in DFU mode`, {
        hint: 'switch it to DFU mode first: detach it (or hold BOOT0 and reset the board)',
        details: { reason: 'runtime-mode', portPath: d.portPath },
      });
    }
    if (want === 'runtime' && other.length > 0) {
      throw new DfuFlashError('UNSUPPORTED', `${describeDevice(other[0]!.device)} is already in DFU mode`, {
        hint: 'nothing to detach: download or upload directly',
        details: { reason: 'already-dfu-mode' },
      });
    }
    throw new DfuFlashError('NO_DEVICE', devices.length === 0 ? 'no DFU device found' : 'no DFU device matches the selection', {
      hint:
        devices.length === 0
          ? 'plug the board in and start its bootloader (on STM32: BOOT0 high, then reset); on Linux, a device you may not open needs a udev rule'
          : 'list the devices to see what is connected, and check the selection',
      details: { reason: devices.length === 0 ? 'no-devices' : 'no-match' },
    });
  }
  const distinct = [...new Map(inMode.map((p) => [p.device.key, p.device])).values()];
  if (distinct.length > 1) {
    const candidates = distinct.map((d) => ({ key: d.key, portPath: d.portPath, serial: d.serial, uniqueSerial: d.serial !== undefined && distinct.filter((o) => o.serial === d.serial).length === 1 }));
    throw new DfuFlashError('MULTIPLE_DEVICES', `${distinct.length} DFU devices match: ${distinct.map(describeDevice).join('; ')}`, {
      hint: 'choose one by its port path (or its serial, where that is unique), or flash every board',
      details: { reason: 'multiple-devices', candidates },
    });
  }
  const device = distinct[0]!;
  const alts = inMode.filter((p) => p.device === device && altMatches(sel, p.alt));
  if (alts.length === 0) {
    const names = inMode.map((p) => `${p.alt.alternateSetting} ${p.alt.name === undefined ? '(no name)' : JSON.stringify(p.alt.name)}`).join(', ');
    throw new DfuFlashError('NO_DEVICE', `${describeDevice(device)} has no alt setting ${JSON.stringify(sel.alt)}`, {
      hint: `its alt settings are: ${names}`,
      details: { reason: 'no-such-alt' },
    });
  }
  if (typeof sel.alt === 'string' && alts.length > 1) {
    throw new DfuFlashError('USAGE', `alt name ${JSON.stringify(sel.alt)} matches alt settings ${alts.map((a) => a.alt.alternateSetting).join(', ')}`, {
      hint: 'select the alt setting by number',
      details: { reason: 'ambiguous-alt-name' },
    });
  }
  alts.sort((a, b) => a.alt.interfaceNumber - b.alt.interfaceNumber || a.alt.alternateSetting - b.alt.alternateSetting);
  return alts[0]!;
}

export async function findTarget(backend: UsbBackend, sel: DeviceSelector, want: InterfaceMode): Promise<Target> {
  return chooseTarget(await backend.list(), sel, want);
}
