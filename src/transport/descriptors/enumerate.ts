/**
 * Host-side enumeration over a control-IN function, the way a USB stack and
 * libusb read a device: the device and configuration descriptors (9 bytes,
 * then wTotalLength), the LANGID table, each string. Every backend uses it:
 * the simulated one and WebUSB read everything through it; libusb gets the
 * descriptors from the OS and reads only the strings here.
 *
 * A stalled or garbled string read is retried: some bootloaders (the
 * STM32CubeMX DFU class) fail them right after enumeration and answer a
 * moment later. A read that times out is not (it would cost a timeout per
 * string): it ends the reading of that device. A string that
 * stays unreadable is recorded as such (`nameError`, `stringError`), never as
 * an empty string. Nothing here throws for a failed string read.
 */
import { DfuFlashError } from '../../shared/errors.js';
import type { ControlOptions, DfuAltSetting, DfuDeviceInfo, SetupPacket } from '../types.js';
import { DFU_FUNCTIONAL_DESCRIPTOR_TYPE, LANGID_EN_US, STRING_REQUEST_LENGTH, USB_DT_CONFIG, USB_DT_DEVICE, USB_DT_STRING } from './constants.js';
import { decodeLangIds, decodeStringDescriptor, findFunctionalDescriptor, parseConfigurationDescriptor, parseDeviceDescriptor, type DeviceDescriptor, type ParsedDfuAlt } from './parse.js';
import { getDescriptorSetup } from './setup.js';

/** A device-to-host control transfer: DfuTransport.controlIn, or a backend's own. */
export type ControlIn = (setup: SetupPacket, options: ControlOptions) => Promise<Uint8Array>;

/** Where a device sits, as its backend names it. */
export interface DeviceLocation {
  key: string;
  busNumber: number;
  deviceAddress: number;
  portPath: string;
}

export interface StringReadOptions {
  /** Timeout of each read (default 1000 ms). */
  timeoutMs?: number;
  /** Further attempts after a failed string read (default 1). */
  retries?: number;
  /** Pause before a retry (default: none); the backend's clock. */
  sleep?: (ms: number) => Promise<void>;
  /** Length of that pause (default 20 ms). */
  retryDelayMs?: number;
}

export const DEFAULT_STRING_TIMEOUT_MS = 1000;

/** The raw descriptors a host reads when a device arrives. */
export interface RawDescriptors {
  device: Uint8Array;
  configuration: Uint8Array;
}

export async function readRawDescriptors(controlIn: ControlIn, timeoutMs = DEFAULT_STRING_TIMEOUT_MS): Promise<RawDescriptors> {
  const device = await controlIn(getDescriptorSetup(USB_DT_DEVICE, 0, 0, 18), { timeoutMs });
  parseDeviceDescriptor(device);
  const head = await controlIn(getDescriptorSetup(USB_DT_CONFIG, 0, 0, 9), { timeoutMs });
  if (head.length < 9) {
    throw new DfuFlashError('USB_IO', `the configuration descriptor header is ${head.length} byte(s), expected 9`, {
      hint: 'the device sent descriptors that do not follow USB 2.0 §9.6; report the device',
    });
  }
  const total = head[2]! | (head[3]! << 8);
  const configuration = await controlIn(getDescriptorSetup(USB_DT_CONFIG, 0, 0, total), { timeoutMs });
  return { device, configuration };
}

/** The descriptor part of a device's description (no strings yet). */
export function describeFromDescriptors(
  dev: DeviceDescriptor,
  config: { configurationValue: number; dfuAlts: readonly ParsedDfuAlt[] },
  where: DeviceLocation,
): DfuDeviceInfo {
  return {
    key: where.key,
    vendorId: dev.idVendor,
    productId: dev.idProduct,
    bcdDevice: dev.bcdDevice,
    bcdUSB: dev.bcdUSB,
    bMaxPacketSize0: dev.bMaxPacketSize0,
    busNumber: where.busNumber,
    deviceAddress: where.deviceAddress,
    portPath: where.portPath,
    configurationValue: config.configurationValue,
    alts: config.dfuAlts.map((a): DfuAltSetting => ({ ...a, name: undefined })),
  };
}

/** A failure after which further reads of this device are pointless. */
const fatal = (e: unknown): boolean => e instanceof DfuFlashError && (e.code === 'TIMEOUT' || e.code === 'DEVICE_GONE');

function asStringError(e: unknown): NonNullable<DfuDeviceInfo['stringError']> {
  if (e instanceof DfuFlashError) return e.hint === undefined ? { code: e.code, message: e.message } : { code: e.code, message: e.message, hint: e.hint };
  return { code: 'USB_IO', message: e instanceof Error ? e.message : String(e) };
}

/**
 * Read the manufacturer, product and serial strings, each alt setting's name,
 * and (dfu-util's last resort) the functional descriptor by request where the
 * configuration had none. Fills `info` in place.
 */
export async function readDeviceStrings(
  controlIn: ControlIn,
  info: DfuDeviceInfo,
  dev: Pick<DeviceDescriptor, 'iManufacturer' | 'iProduct' | 'iSerialNumber'>,
  options: StringReadOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_STRING_TIMEOUT_MS;
  const retries = options.retries ?? 1;
  let stop: unknown;
  const note = (e: unknown): void => {
    info.stringError ??= asStringError(e);
    if (fatal(e)) stop = e;
  };
  const attempt = async <T>(read: () => Promise<T>): Promise<T> => {
    for (let n = 0; ; n++) {
      try {
        return await read();
      } catch (e) {
        // a silent or vanished device is not asked again: the operation's recovery (a reset) is what helps then
        if (n >= retries || fatal(e)) throw e;
        if (options.sleep) await options.sleep(options.retryDelayMs ?? 20);
      }
    }
  };
  let langId = LANGID_EN_US;
  const anyString = dev.iManufacturer !== 0 || dev.iProduct !== 0 || dev.iSerialNumber !== 0 || info.alts.some((a) => a.iInterface !== 0);
  if (anyString) {
    try {
      langId = decodeLangIds(await attempt(() => controlIn(getDescriptorSetup(USB_DT_STRING, 0, 0, STRING_REQUEST_LENGTH), { timeoutMs })))[0] ?? LANGID_EN_US;
    } catch (e) {
      // a missing LANGID table is common; only a silent or vanished device ends the reading
      if (fatal(e)) note(e);
    }
  }
  const readString = (index: number): Promise<string | undefined> =>
    attempt(async () => {
      const bytes = await controlIn(getDescriptorSetup(USB_DT_STRING, index, langId, STRING_REQUEST_LENGTH), { timeoutMs });
      const s = decodeStringDescriptor(bytes);
      if (s === undefined) throw new DfuFlashError('USB_IO', `string descriptor ${index} is not a string descriptor (${bytes.length} byte(s))`);
      return s;
    });
  for (const [field, index] of [
    ['manufacturer', dev.iManufacturer],
    ['product', dev.iProduct],
    ['serial', dev.iSerialNumber],
  ] as const) {
    if (stop !== undefined || index === 0) continue;
    try {
      info[field] = await readString(index);
    } catch (e) {
      note(e);
    }
  }
  for (const alt of info.alts) {
    if (alt.iInterface === 0) continue;
    if (stop !== undefined) {
      alt.nameError = asStringError(stop).message;
      continue;
    }
    try {
      alt.name = await readString(alt.iInterface);
    } catch (e) {
      note(e);
      alt.nameError = e instanceof Error ? e.message : String(e);
    }
  }
  if (stop === undefined && info.alts.some((a) => a.functional === undefined)) {
    try {
      const functional = findFunctionalDescriptor(await controlIn(getDescriptorSetup(DFU_FUNCTIONAL_DESCRIPTOR_TYPE, 0, 0, 9), { timeoutMs }));
      for (const alt of info.alts) alt.functional ??= functional;
    } catch {
      // no functional descriptor: the protocol layer decides what that means
    }
  }
}

/** Everything through control transfers: descriptors, then strings. Undefined when the device has no DFU interface. */
export async function enumerateDevice(
  controlIn: ControlIn,
  where: DeviceLocation,
  options: StringReadOptions & { raw?: RawDescriptors } = {},
): Promise<DfuDeviceInfo | undefined> {
  const raw = options.raw ?? (await readRawDescriptors(controlIn, options.timeoutMs));
  const dev = parseDeviceDescriptor(raw.device);
  const config = parseConfigurationDescriptor(raw.configuration);
  if (config.dfuAlts.length === 0) return undefined;
  const info = describeFromDescriptors(dev, config, where);
  await readDeviceStrings(controlIn, info, dev, options);
  return info;
}
