/**
 * A USB SETUP packet as WebUSB spells it, and back. bmRequestType bit 7 is the
 * direction (WebUSB has one method per direction), bits 6..5 the type, bits
 * 4..0 the recipient (USB 2.0 Table 9-2).
 */
import { DfuFlashError } from '../../shared/errors.js';
import { describeSetup } from '../descriptors/setup.js';
import type { SetupPacket } from '../types.js';
import type { WebUsbControlSetup, WebUsbRecipient, WebUsbRequestType } from './webusb-types.js';

const TYPES: readonly (WebUsbRequestType | undefined)[] = ['standard', 'class', 'vendor', undefined];
const RECIPIENTS: readonly WebUsbRecipient[] = ['device', 'interface', 'endpoint', 'other'];

export function toWebUsbSetup(setup: SetupPacket): WebUsbControlSetup {
  const requestType = TYPES[(setup.bmRequestType >> 5) & 3];
  const recipient = RECIPIENTS[setup.bmRequestType & 0x1f];
  if (requestType === undefined || recipient === undefined) {
    throw new DfuFlashError('INTERNAL', `WebUSB cannot express bmRequestType 0x${setup.bmRequestType.toString(16)}: ${describeSetup(setup)}`);
  }
  return { requestType, recipient, request: setup.bRequest, value: setup.wValue, index: setup.wIndex };
}

/** The SETUP packet a WebUSB transfer puts on the wire. */
export function fromWebUsbSetup(setup: WebUsbControlSetup, directionIn: boolean, wLength: number): SetupPacket {
  const type = TYPES.indexOf(setup.requestType);
  const recipient = RECIPIENTS.indexOf(setup.recipient);
  return {
    bmRequestType: (directionIn ? 0x80 : 0) | (type << 5) | recipient,
    bRequest: setup.request & 0xff,
    wValue: setup.value & 0xffff,
    wIndex: setup.index & 0xffff,
    wLength,
  };
}
