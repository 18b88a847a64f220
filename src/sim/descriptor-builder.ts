/**
 * Build the raw USB descriptors of a simulated device from its profile:
 * the 18-byte device descriptor, one configuration with its DFU interface
 * (one interface descriptor per alt setting) and functional descriptor(s),
 * and the string table. USB 2.0 §9.6; DFU 1.1 §4.1.3 / §4.2.
 */
import {
  DFU_FUNCTIONAL_DESCRIPTOR_TYPE,
  LANGID_EN_US,
  USB_CLASS_APP_SPECIFIC,
  USB_DT_BOS,
  USB_DT_CONFIG,
  USB_DT_DEVICE,
  USB_DT_DEVICE_CAPABILITY,
  USB_DT_INTERFACE,
  USB_DT_STRING,
  USB_SUBCLASS_DFU,
} from '../transport/descriptors/constants.js';
import type { SimDescriptors } from './types.js';
import type { SimFunctional, SimProfile } from './profile-types.js';

const MAX_PACKET_SIZE_0 = 64;

/** String indexes a profile's descriptors use. */
export interface StringIndexes {
  manufacturer: number;
  product: number;
  serial: number;
  alts: number[];
  others: number[];
}

function lo(n: number): number {
  return n & 0xff;
}
function hi(n: number): number {
  return (n >> 8) & 0xff;
}

export function functionalDescriptorBytes(f: SimFunctional): Uint8Array {
  return Uint8Array.from([
    9,
    DFU_FUNCTIONAL_DESCRIPTOR_TYPE,
    f.bmAttributes,
    lo(f.wDetachTimeOut),
    hi(f.wDetachTimeOut),
    lo(f.wTransferSize),
    hi(f.wTransferSize),
    lo(f.bcdDFUVersion),
    hi(f.bcdDFUVersion),
  ]);
}

/** Assign string indexes: 1 manufacturer, 2 product, 3 serial, then alt names, then other interfaces. */
export function stringIndexes(profile: SimProfile, serial: string | undefined): StringIndexes {
  const manufacturer = profile.identity.manufacturer === undefined ? 0 : 1;
  const product = profile.identity.product === undefined ? 0 : 2;
  const serialIndex = serial === undefined ? 0 : 3;
  let next = profile.dfu.firstAltStringIndex ?? 4;
  const alts = profile.dfu.altNames.map((name) => (name === undefined ? 0 : next++));
  const others = (profile.otherInterfaces ?? []).map((o) => (o.name === undefined ? 0 : next++));
  return { manufacturer, product, serial: serialIndex, alts, others };
}

/** Everything a host can read from the device's descriptors. */
export function buildDescriptors(profile: SimProfile, serial: string | undefined): SimDescriptors {
  const idx = stringIndexes(profile, serial);
  const id = profile.identity;
  const device = Uint8Array.from([
    18,
    USB_DT_DEVICE,
    lo(id.bcdUSB),
    hi(id.bcdUSB),
    0, // bDeviceClass: defined at interface level
    0,
    0,
    MAX_PACKET_SIZE_0,
    lo(id.idVendor),
    hi(id.idVendor),
    lo(id.idProduct),
    hi(id.idProduct),
    lo(id.bcdDevice),
    hi(id.bcdDevice),
    idx.manufacturer,
    idx.product,
    idx.serial,
    1, // bNumConfigurations
  ]);

  const body: number[] = [];
  const dfu = profile.dfu;
  const functional = functionalDescriptorBytes(dfu.functional);
  dfu.altNames.forEach((_, alt) => {
    body.push(9, USB_DT_INTERFACE, dfu.interfaceNumber, alt, 0, USB_CLASS_APP_SPECIFIC, USB_SUBCLASS_DFU);
    body.push(dfu.protocol, idx.alts[alt] as number);
    const last = alt === dfu.altNames.length - 1;
    if (dfu.functionalAfter === 'every-alt' || last) body.push(...functional);
  });
  (profile.otherInterfaces ?? []).forEach((o, i) => {
    body.push(9, USB_DT_INTERFACE, o.interfaceNumber, 0, 0, o.interfaceClass, o.interfaceSubClass);
    body.push(o.interfaceProtocol, idx.others[i] as number);
  });
  const total = 9 + body.length;
  const numInterfaces = 1 + (profile.otherInterfaces?.length ?? 0);
  const configuration = Uint8Array.from([
    9,
    USB_DT_CONFIG,
    lo(total),
    hi(total),
    numInterfaces,
    1, // bConfigurationValue
    0, // iConfiguration
    profile.configuration.bmAttributes,
    profile.configuration.bMaxPower,
    ...body,
  ]);

  const strings: Record<number, string> = {};
  if (id.manufacturer !== undefined) strings[idx.manufacturer] = id.manufacturer;
  if (id.product !== undefined) strings[idx.product] = id.product;
  if (serial !== undefined) strings[idx.serial] = id.serialEncoding === 'utf8' ? utf8InUtf16Units(serial) : serial;
  dfu.altNames.forEach((name, alt) => {
    if (name !== undefined) strings[idx.alts[alt] as number] = name;
  });
  (profile.otherInterfaces ?? []).forEach((o, i) => {
    if (o.name !== undefined) strings[idx.others[i] as number] = o.name;
  });
  return { device, configuration, strings };
}

/**
 * A device that puts raw UTF-8 bytes in a string descriptor (GD32VF103's serial):
 * the string whose UTF-16LE encoding is exactly those bytes (an odd last byte is
 * padded with 0).
 */
export function utf8InUtf16Units(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let out = '';
  for (let i = 0; i < bytes.length; i += 2) out += String.fromCharCode(bytes[i]! | ((bytes[i + 1] ?? 0) << 8));
  return out;
}

/** A string descriptor: bLength, type 3, UTF-16LE text (USB 2.0 §9.6.7). Index 0 is the LANGID table. */
export function stringDescriptorBytes(text: string): Uint8Array {
  const units = Math.min(text.length, 126);
  const out = new Uint8Array(2 + units * 2);
  out[0] = out.length;
  out[1] = USB_DT_STRING;
  for (let i = 0; i < units; i++) {
    const c = text.charCodeAt(i);
    out[2 + i * 2] = lo(c);
    out[3 + i * 2] = hi(c);
  }
  return out;
}

export function langIdTableBytes(): Uint8Array {
  return Uint8Array.from([4, USB_DT_STRING, lo(LANGID_EN_US), hi(LANGID_EN_US)]);
}

/**
 * BOS descriptor for bcdUSB >= 0x0201 devices: the header and one USB 2.0
 * Extension capability (no LPM). Real dapboot also lists a WebUSB platform
 * capability; hosts here never need it.
 */
export function bosDescriptorBytes(): Uint8Array {
  const usb2Extension = [7, USB_DT_DEVICE_CAPABILITY, 0x02, 0, 0, 0, 0];
  const total = 5 + usb2Extension.length;
  return Uint8Array.from([5, USB_DT_BOS, lo(total), hi(total), 1, ...usb2Extension]);
}
