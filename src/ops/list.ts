/** The list use case: every DFU device, with modes and parsed memory layouts. */
import { deviceMode, functionalFor, isDfuseInterface, serialIsNotUnique } from '../dfu/device-mode.js';
import { applyIdentityQuirks, quirksFor } from '../dfu/quirk-table.js';
import { functionalWithQuirks } from '../dfu/quirk-apply.js';
import { isDfuseLayout, parseMemoryLayout } from '../dfu/memory-layout.js';
import type { DfuDeviceInfo } from '../transport/types.js';
import { altMatches, deviceMatches } from './select.js';
import type { DeviceSelector, ListedAlt, ListedDevice, OpContext } from './types.js';

export function describeForList(found: DfuDeviceInfo): ListedDevice {
  const device = applyIdentityQuirks(found);
  const quirks = device.alts.map((a) => quirksFor(device, a));
  const alts: ListedAlt[] = device.alts.map((alt) => {
    if (alt.name === undefined || !isDfuseLayout(alt.name)) return { ...alt };
    try {
      return { ...alt, layout: parseMemoryLayout(alt.name) };
    } catch (e) {
      return { ...alt, layoutError: (e as Error).message };
    }
  });
  const dfuse = device.alts.some((a, i) => {
    const f = functionalFor(device, a);
    return isDfuseInterface(device, a, f && functionalWithQuirks(f, quirks[i]!.quirks));
  });
  const listed: ListedDevice = { ...device, mode: deviceMode(device), dfuse, alts };
  if (device.serial !== undefined && serialIsNotUnique(device.serial)) listed.serialNotUnique = true;
  const names = [...new Set(quirks.flatMap((q) => q.applied))];
  if (names.length > 0) listed.quirks = names;
  return listed;
}

export async function listDevices(ctx: OpContext): Promise<ListedDevice[]> {
  const devices = await ctx.backend.list();
  return devices
    .map(describeForList)
    .sort((a, b) => a.portPath.localeCompare(b.portPath, 'en', { numeric: true }) || a.deviceAddress - b.deviceAddress);
}

/**
 * The devices (and alt settings) a selector matches, as `dfu-util -l -d …`
 * shows them: with an interface or alt filter, devices left without alts are dropped.
 */
export function filterListed(devices: readonly ListedDevice[], sel: DeviceSelector): ListedDevice[] {
  const altFilter = sel.intf !== undefined || sel.alt !== undefined;
  const out: ListedDevice[] = [];
  for (const d of devices) {
    const alts = d.alts.filter((a) => deviceMatches(sel, d, a, d.mode) && altMatches(sel, a));
    if (alts.length === 0) continue;
    out.push(altFilter ? { ...d, alts } : d);
  }
  return out;
}
