/** Names and readable descriptions of SETUP packets, for transcripts, traces and error messages. */
import type { SetupPacket } from '../types.js';
import { DFU_REQUEST_NAMES, STANDARD_REQUEST_NAMES } from './constants.js';

const hex2 = (n: number): string => '0x' + (n & 0xff).toString(16).padStart(2, '0');
const hex4 = (n: number): string => '0x' + (n & 0xffff).toString(16).padStart(4, '0');

/** 'DFU_GETSTATUS', 'GET_DESCRIPTOR'; 'STANDARD_0x42', 'CLASS_0x42' or 'VENDOR_0x42' for codes without a name. */
export function requestName(setup: SetupPacket): string {
  const type = (setup.bmRequestType >> 5) & 3;
  if (type === 0) return STANDARD_REQUEST_NAMES[setup.bRequest] ?? `STANDARD_${hex2(setup.bRequest)}`;
  if (type === 1) return DFU_REQUEST_NAMES[setup.bRequest] ?? `CLASS_${hex2(setup.bRequest)}`;
  return `VENDOR_${hex2(setup.bRequest)}`;
}

/** "DFU_GETSTATUS (bmRequestType 0xa1, wValue 0x0000, wIndex 0, wLength 6)" */
export function describeSetup(setup: SetupPacket): string {
  return `${requestName(setup)} (bmRequestType ${hex2(setup.bmRequestType)}, wValue ${hex4(setup.wValue)}, wIndex ${setup.wIndex}, wLength ${setup.wLength})`;
}

/** The SETUP fields as error details. */
export function setupDetails(setup: SetupPacket): Record<string, unknown> {
  return {
    request: requestName(setup),
    bmRequestType: setup.bmRequestType,
    bRequest: setup.bRequest,
    wValue: setup.wValue,
    wIndex: setup.wIndex,
    wLength: setup.wLength,
  };
}

/** GET_DESCRIPTOR(type, index) to the device. */
export function getDescriptorSetup(type: number, index: number, wIndex: number, wLength: number): SetupPacket {
  return { bmRequestType: 0x80, bRequest: 0x06, wValue: ((type & 0xff) << 8) | (index & 0xff), wIndex, wLength };
}
