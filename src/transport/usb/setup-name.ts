/** Readable names for SETUP packets, for error messages. */
import { DFU_REQUEST_NAMES } from '../../dfu/constants.js';
import type { SetupPacket } from '../types.js';
import { STANDARD_REQUEST_NAMES } from '../request-names.js';

/** 'DFU_GETSTATUS', 'GET_DESCRIPTOR', or 'request 0x42' for anything else. */
export function requestName(setup: SetupPacket): string {
  const type = (setup.bmRequestType >> 5) & 0x03;
  const names = type === 0 ? STANDARD_REQUEST_NAMES : type === 1 ? DFU_REQUEST_NAMES : undefined;
  return names?.[setup.bRequest] ?? `request 0x${setup.bRequest.toString(16).padStart(2, '0')}`;
}

const hex4 = (n: number): string => '0x' + (n & 0xffff).toString(16).padStart(4, '0');
const hex2 = (n: number): string => '0x' + (n & 0xff).toString(16).padStart(2, '0');

/** "DFU_GETSTATUS (bmRequestType 0xa1, wValue 0x0000, wIndex 0, wLength 6)" */
export function describeSetup(setup: SetupPacket): string {
  return (
    `${requestName(setup)} (bmRequestType ${hex2(setup.bmRequestType)}, wValue ${hex4(setup.wValue)}, ` +
    `wIndex ${setup.wIndex}, wLength ${setup.wLength})`
  );
}

/** The SETUP fields as --json details. */
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
