/** The list use case: every DFU device, with modes and parsed memory layouts. */
import { deviceMode, functionalFor, isDfuseDescriptor, serialIsNotUnique } from '../dfu/device-mode.js';
import { isDfuseLayout, parseMemoryLayout } from '../dfu/memory-layout.js';
import type { DfuDeviceInfo } from '../transport/types.js';
import type { ListedAlt, ListedDevice, OpContext } from './types.js';

export function describeForList(device: DfuDeviceInfo): ListedDevice {
  const alts: ListedAlt[] = device.alts.map((alt) => {
    if (alt.name === undefined || !isDfuseLayout(alt.name)) return { ...alt };
    try {
      return { ...alt, layout: parseMemoryLayout(alt.name) };
    } catch (e) {
      return { ...alt, layoutError: (e as Error).message };
    }
  });
  const dfuse = device.alts.some((a) => isDfuseDescriptor(functionalFor(device, a)));
  const listed: ListedDevice = { ...device, mode: deviceMode(device), dfuse, alts };
  if (device.serial !== undefined && serialIsNotUnique(device.serial)) listed.serialNotUnique = true;
  return listed;
}

export async function listDevices(ctx: OpContext): Promise<ListedDevice[]> {
  const devices = await ctx.backend.list();
  return devices
    .map(describeForList)
    .sort((a, b) => a.portPath.localeCompare(b.portPath, 'en', { numeric: true }) || a.deviceAddress - b.deviceAddress);
}
