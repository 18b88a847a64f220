/**
 * Standard requests on EP0 (USB 2.0 §9.4) for a simulated device. Anything
 * not listed here, or sent with the wrong direction or recipient, stalls.
 */
import { DFU_FUNCTIONAL_DESCRIPTOR_TYPE, USB_DT_BOS, USB_DT_CONFIG, USB_DT_DEVICE, USB_DT_STRING } from '../transport/descriptors/constants.js';
import type { SetupPacket } from '../transport/types.js';
import type { SimControlResult, SimDescriptors } from './types.js';
import { langIdTableBytes, stringDescriptorBytes } from './descriptor-builder.js';

export interface StandardContext {
  descriptors: SimDescriptors;
  /** BOS descriptor, for bcdUSB >= 0x0201 devices. */
  bos: Uint8Array | undefined;
  /** The DFU functional descriptor of an interface (undefined interface = the device's first). */
  functional(interfaceNumber: number | undefined): Uint8Array | undefined;
  selfPowered: boolean;
  configuration: number;
  getAlt(interfaceNumber: number): number | undefined;
  setAlt(interfaceNumber: number, alt: number): boolean;
}

const STALL: SimControlResult = { kind: 'stall' };
const ACK: SimControlResult = { kind: 'ack' };

function reply(bytes: Uint8Array | undefined, wLength: number): SimControlResult {
  return bytes === undefined ? STALL : { kind: 'ack', data: bytes.slice(0, wLength) };
}

export function standardRequest(ctx: StandardContext, setup: SetupPacket): SimControlResult {
  const dirIn = (setup.bmRequestType & 0x80) !== 0;
  const recipient = setup.bmRequestType & 0x1f;
  switch (setup.bRequest) {
    case 0: // GET_STATUS
      if (!dirIn || recipient > 2) return STALL;
      return reply(Uint8Array.from([recipient === 0 && ctx.selfPowered ? 1 : 0, 0]), setup.wLength);
    case 5: // SET_ADDRESS
      return dirIn || recipient !== 0 ? STALL : ACK;
    case 6: // GET_DESCRIPTOR
      return dirIn ? reply(getDescriptor(ctx, setup, recipient), setup.wLength) : STALL;
    case 8: // GET_CONFIGURATION
      return dirIn && recipient === 0 ? reply(Uint8Array.from([ctx.configuration]), setup.wLength) : STALL;
    case 9: // SET_CONFIGURATION
      if (dirIn || recipient !== 0) return STALL;
      if (setup.wValue !== 0 && setup.wValue !== ctx.descriptors.configuration[5]) return STALL;
      ctx.configuration = setup.wValue;
      return ACK;
    case 10: {
      // GET_INTERFACE
      if (!dirIn || recipient !== 1) return STALL;
      const alt = ctx.getAlt(setup.wIndex);
      return alt === undefined ? STALL : reply(Uint8Array.from([alt]), setup.wLength);
    }
    case 11: // SET_INTERFACE
      if (dirIn || recipient !== 1) return STALL;
      return ctx.setAlt(setup.wIndex, setup.wValue) ? ACK : STALL;
    default:
      return STALL;
  }
}

function getDescriptor(ctx: StandardContext, setup: SetupPacket, recipient: number): Uint8Array | undefined {
  const type = setup.wValue >> 8;
  const index = setup.wValue & 0xff;
  const d = ctx.descriptors;
  switch (type) {
    case USB_DT_DEVICE:
      return index === 0 ? d.device : undefined;
    case USB_DT_CONFIG:
      return index === 0 ? d.configuration : undefined;
    case USB_DT_STRING: {
      if (index === 0) return langIdTableBytes();
      const s = d.strings[index];
      return s === undefined ? undefined : stringDescriptorBytes(s);
    }
    case USB_DT_BOS:
      return ctx.bos;
    case DFU_FUNCTIONAL_DESCRIPTOR_TYPE:
      return ctx.functional(recipient === 1 ? setup.wIndex : undefined);
    default:
      return undefined;
  }
}
