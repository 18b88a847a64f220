/**
 * One control transfer through WebUSB, under our own deadline, with its
 * outcome as the typed errors every backend raises: a `stall` status → STALL,
 * `babble` (more data than asked for) → USB_IO, no answer in time → TIMEOUT,
 * a rejection → mapWebUsbError. Used by the transport and while listing.
 */
import { DfuFlashError, hex16 } from '../../shared/errors.js';
import { describeSetup, setupDetails } from '../descriptors/setup.js';
import type { ControlOptions, SetupPacket } from '../types.js';
import { waitUntil, withDeadline } from './deadline.js';
import { STALL_HINT, TIMEOUT_HINT, IO_HINT } from './hints.js';
import type { WebUsbPlatform } from './platform.js';
import { toWebUsbSetup } from './setup.js';
import { mapWebUsbError, webUsbErrorName } from './webusb-errors.js';
import type { WebUsbDevice, WebUsbTransferStatus } from './webusb-types.js';

export interface ControlContext {
  device: WebUsbDevice;
  /** "USB device 0483:df11 (webusb-1)". */
  where: string;
  platform: WebUsbPlatform;
  connected: () => boolean;
}

export function deviceWhere(device: Pick<WebUsbDevice, 'vendorId' | 'productId'>, portPath: string): string {
  return `USB device ${hex16(device.vendorId)}:${hex16(device.productId)} (${portPath})`;
}

/**
 * A board pulled out mid-transfer: Chromium was seen to reject the transfer
 * with AbortError ("The transfer was cancelled.") before it fires the
 * device's `disconnect` event. A cancellation we did not cause (ours only
 * follow our own deadline, which has thrown TIMEOUT by then) gets this long
 * for the event to arrive, so the error says the device left.
 */
export const CANCEL_SETTLE_MS = 1000;

/** Our deadline fired: the transfer may still be pending in the browser. */
export function isOwnTimeout(e: unknown): boolean {
  return e instanceof DfuFlashError && e.code === 'TIMEOUT' && e.details['ownDeadline'] === true;
}

function statusError(ctx: ControlContext, setup: SetupPacket, status: WebUsbTransferStatus, details: Record<string, unknown>): DfuFlashError {
  const what = describeSetup(setup);
  if (status === 'stall') {
    return new DfuFlashError('STALL', `${what} was stalled by ${ctx.where}`, { hint: STALL_HINT, details: { ...details, webUsbStatus: status } });
  }
  return new DfuFlashError('USB_IO', `${what} to ${ctx.where} ended with status '${status}'${status === 'babble' ? ' (the device sent more data than asked for)' : ''}`, {
    hint: IO_HINT,
    details: { ...details, webUsbStatus: status },
  });
}

async function run<T>(ctx: ControlContext, setup: SetupPacket, options: ControlOptions, start: () => Promise<T>): Promise<T> {
  const what = describeSetup(setup);
  const details = { ...setupDetails(setup), timeoutMs: options.timeoutMs };
  try {
    return await withDeadline(start(), options.timeoutMs, () =>
      new DfuFlashError('TIMEOUT', `${what} to ${ctx.where} got no answer within ${options.timeoutMs} ms`, {
        hint: TIMEOUT_HINT,
        details: { ...details, ownDeadline: true },
      }),
    );
  } catch (e) {
    if (webUsbErrorName(e) === 'AbortError' && ctx.connected()) await waitUntil(() => !ctx.connected(), CANCEL_SETTLE_MS);
    throw mapWebUsbError(e, {
      kind: 'transfer',
      operation: what,
      vendorId: ctx.device.vendorId,
      productId: ctx.device.productId,
      where: ctx.where,
      platform: ctx.platform,
      connected: ctx.connected(),
      details,
    });
  }
}

export async function webUsbControlIn(ctx: ControlContext, setup: SetupPacket, options: ControlOptions): Promise<Uint8Array> {
  if ((setup.bmRequestType & 0x80) === 0) throw new DfuFlashError('INTERNAL', `controlIn called with an OUT request: ${describeSetup(setup)}`);
  const params = toWebUsbSetup(setup);
  const result = await run(ctx, setup, options, () => ctx.device.controlTransferIn(params, setup.wLength));
  if (result.status !== 'ok') throw statusError(ctx, setup, result.status, setupDetails(setup));
  const view = result.data;
  if (view === null || view === undefined) return new Uint8Array(0);
  return new Uint8Array(view.buffer, view.byteOffset, Math.min(view.byteLength, setup.wLength)).slice();
}

export async function webUsbControlOut(ctx: ControlContext, setup: SetupPacket, data: Uint8Array, options: ControlOptions): Promise<void> {
  if ((setup.bmRequestType & 0x80) !== 0 || setup.wLength !== data.length) {
    throw new DfuFlashError('INTERNAL', `controlOut needs an OUT request with wLength equal to the data length: ${describeSetup(setup)}, ${data.length} bytes`);
  }
  const params = toWebUsbSetup(setup);
  const result = await run(ctx, setup, options, () => ctx.device.controlTransferOut(params, data));
  if (result.status !== 'ok') throw statusError(ctx, setup, result.status, setupDetails(setup));
}
