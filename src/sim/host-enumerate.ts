/**
 * A host reading a simulated device: the shared enumeration
 * (src/transport/descriptors) over the device's EP0, with the device's
 * answers mapped to the errors a USB stack raises.
 */
import { DfuFlashError, type ErrorCode } from '../shared/errors.js';
import type { DfuDeviceInfo } from '../transport/types.js';
import { enumerateDevice, readRawDescriptors as readRaw, type ControlIn, type DeviceLocation, type RawDescriptors } from '../transport/descriptors/index.js';
import { requestName } from '../transport/descriptors/setup.js';
import type { SimUsbDevice } from './types.js';

export type { DeviceLocation, RawDescriptors };

const KIND_TO_CODE: Record<string, ErrorCode> = { stall: 'STALL', silent: 'TIMEOUT', gone: 'DEVICE_GONE' };

/** EP0 of a simulated device as a ControlIn (no deadline: a silent device is a TIMEOUT at once). */
export function simControlIn(device: SimUsbDevice): ControlIn {
  return async (setup) => {
    const r = await device.control(setup);
    if (r.kind !== 'ack') {
      throw new DfuFlashError(KIND_TO_CODE[r.kind] ?? 'USB_IO', `${requestName(setup)} (wValue 0x${setup.wValue.toString(16).padStart(4, '0')}) failed: ${r.kind}`);
    }
    return (r.data ?? new Uint8Array(0)).slice(0, setup.wLength);
  };
}

/** What the kernel reads when the device arrives. */
export function readRawDescriptors(device: SimUsbDevice): Promise<RawDescriptors> {
  return readRaw(simControlIn(device));
}

/** Device info with strings read through the device, as `dfu-util -l` does; NO_DEVICE when it has no DFU interface. */
export async function readDeviceInfo(device: SimUsbDevice, raw: RawDescriptors, where: DeviceLocation): Promise<DfuDeviceInfo> {
  const info = await enumerateDevice(simControlIn(device), where, { raw });
  if (info === undefined) throw new DfuFlashError('NO_DEVICE', `${device.profile} at ${where.portPath} has no DFU interface`);
  return info;
}
