/**
 * Host-side reading of a simulated device, the way a USB stack and libusb do
 * it: GET_DESCRIPTOR for the device descriptor, the configuration (9 bytes,
 * then wTotalLength), the LANGID table and each string; then the pure parser
 * turns the bytes into DfuDeviceInfo.
 */
import { DfuFlashError, type ErrorCode } from '../shared/errors.js';
import type { DfuAltSetting, DfuDeviceInfo, SetupPacket } from '../transport/types.js';
import type { SimUsbDevice } from './types.js';
import { parseConfigurationDescriptor } from './config-descriptor.js';
import { USB_DT_CONFIG, USB_DT_DEVICE, USB_DT_STRING, decodeStringDescriptor } from './descriptor-builder.js';

export interface RawDescriptors {
  device: Uint8Array;
  configuration: Uint8Array;
}

export interface DeviceLocation {
  key: string;
  busNumber: number;
  deviceAddress: number;
  portPath: string;
}

const KIND_TO_CODE: Record<string, ErrorCode> = { stall: 'STALL', silent: 'TIMEOUT', gone: 'DEVICE_GONE' };

async function getDescriptor(device: SimUsbDevice, type: number, index: number, langId: number, length: number) {
  const setup: SetupPacket = { bmRequestType: 0x80, bRequest: 6, wValue: (type << 8) | index, wIndex: langId, wLength: length };
  const r = await device.control(setup);
  if (r.kind !== 'ack') {
    throw new DfuFlashError(KIND_TO_CODE[r.kind] ?? 'USB_IO', `GET_DESCRIPTOR (type ${type}, index ${index}) failed: ${r.kind}`);
  }
  return r.data ?? new Uint8Array(0);
}

/** What the kernel reads when the device arrives. */
export async function readRawDescriptors(device: SimUsbDevice): Promise<RawDescriptors> {
  const dev = await getDescriptor(device, USB_DT_DEVICE, 0, 0, 18);
  if (dev.length < 18) throw new DfuFlashError('USB_IO', `device descriptor is ${dev.length} bytes, expected 18`);
  const head = await getDescriptor(device, USB_DT_CONFIG, 0, 0, 9);
  if (head.length < 9) throw new DfuFlashError('USB_IO', `configuration header is ${head.length} bytes, expected 9`);
  const total = head[2]! | (head[3]! << 8);
  const configuration = await getDescriptor(device, USB_DT_CONFIG, 0, 0, total);
  return { device: dev, configuration };
}

/** Device info with strings read through the device, as `dfu-util -l` does. */
export async function readDeviceInfo(device: SimUsbDevice, raw: RawDescriptors, where: DeviceLocation): Promise<DfuDeviceInfo> {
  const d = raw.device;
  const cfg = parseConfigurationDescriptor(raw.configuration);
  let langId: number | undefined;
  let stringError: DfuDeviceInfo['stringError'];
  const readString = async (index: number): Promise<string | undefined> => {
    if (index === 0) return undefined;
    if (langId === undefined) {
      const table = await getDescriptor(device, USB_DT_STRING, 0, 0, 255);
      langId = table.length >= 4 ? table[2]! | (table[3]! << 8) : 0x0409;
    }
    return decodeStringDescriptor(await getDescriptor(device, USB_DT_STRING, index, langId, 255));
  };
  const deviceString = async (index: number): Promise<string | undefined> => {
    try {
      return await readString(index);
    } catch (e) {
      if (e instanceof DfuFlashError && stringError === undefined) stringError = { code: e.code, message: e.message };
      return undefined;
    }
  };
  const manufacturer = await deviceString(d[14]!);
  const product = await deviceString(d[15]!);
  const serial = await deviceString(d[16]!);
  const alts: DfuAltSetting[] = [];
  for (const alt of cfg.dfuAlts) {
    try {
      alts.push({ ...alt, name: await readString(alt.iInterface) });
    } catch (e) {
      alts.push({ ...alt, name: undefined, nameError: e instanceof Error ? e.message : String(e) });
    }
  }
  return {
    key: where.key,
    vendorId: d[8]! | (d[9]! << 8),
    productId: d[10]! | (d[11]! << 8),
    bcdDevice: d[12]! | (d[13]! << 8),
    bcdUSB: d[2]! | (d[3]! << 8),
    bMaxPacketSize0: d[7]!,
    busNumber: where.busNumber,
    deviceAddress: where.deviceAddress,
    portPath: where.portPath,
    configurationValue: cfg.configurationValue,
    manufacturer,
    product,
    serial,
    stringError,
    alts,
  };
}
