/**
 * WebUSB failures become the same typed errors as libusb's. WebUSB reports
 * them as DOMExceptions, told apart by `name` (its `message` is the browser's
 * wording, kept in the error's message and `details.webUsbError`):
 *
 *   SecurityError                     → ACCESS (the OS or the page's policy refuses)
 *   NotFoundError / NetworkError      → DEVICE_GONE (the device left; a transfer error on a device that left)
 *   NetworkError while claiming       → BUSY (another program or tab holds the interface)
 *   NetworkError in SET_INTERFACE     → STALL (the device refused the alt setting)
 *   NetworkError while opening        → USB_IO ("Unable to open device.", most often another holder)
 *   AbortError                        → DEVICE_GONE once the device left, else USB_IO (the transfer was cancelled)
 *   anything else                     → USB_IO
 *
 * A stalled control transfer does not reject: it resolves with
 * `status: 'stall'` (see transport.ts) and becomes STALL there.
 */
import { DfuFlashError, hex16, type ErrorCode } from '../../shared/errors.js';
import { accessHint, ALT_STALL_HINT, BUSY_HINT, GONE_HINT, IO_HINT, POLICY_HINT } from './hints.js';
import type { WebUsbPlatform } from './platform.js';

/** What was being done when WebUSB failed: the operation decides how some errors read. */
export type WebUsbOperationKind = 'open' | 'configuration' | 'claim' | 'release' | 'alt' | 'transfer' | 'reset' | 'list';

export interface WebUsbErrorContext {
  kind: WebUsbOperationKind;
  /** Words for the message: "open", "claim interface 0", "DFU_GETSTATUS (...)". */
  operation: string;
  vendorId: number;
  productId: number;
  where?: string | undefined;
  platform: WebUsbPlatform;
  /** false once the backend saw the device's `disconnect` event. */
  connected: boolean;
  details?: Record<string, unknown> | undefined;
}

/** The DOMException name of a WebUSB failure ('NetworkError'…), undefined for other throwables. */
export function webUsbErrorName(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const name = (e as { name?: unknown }).name;
  return typeof name === 'string' ? name : undefined;
}

function messageOf(e: unknown): string {
  if (typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string') return (e as { message: string }).message;
  return String(e);
}

function classify(name: string | undefined, message: string, ctx: WebUsbErrorContext): { code: ErrorCode; hint: string } {
  const gone = { code: 'DEVICE_GONE' as const, hint: GONE_HINT };
  if (!ctx.connected || /disconnected/i.test(message)) return gone;
  switch (name) {
    case 'SecurityError':
      return { code: 'ACCESS', hint: /policy|secure context|iframe/i.test(message) ? POLICY_HINT : accessHint(ctx.vendorId, ctx.productId, ctx.platform) };
    case 'NetworkError':
      if (ctx.kind === 'claim') return { code: 'BUSY', hint: BUSY_HINT };
      // "Unable to open device.": not a permission problem (that is a SecurityError), most often another holder
      if (ctx.kind === 'open') return { code: 'USB_IO', hint: BUSY_HINT };
      // "Unable to set device interface.": the device stalled SET_INTERFACE
      if (ctx.kind === 'alt') return { code: 'STALL', hint: ALT_STALL_HINT };
      return gone;
    case 'NotFoundError':
      // also "the interface number provided is not supported by the device in its current configuration"
      return /interface|configuration|endpoint/i.test(message) ? { code: 'USB_IO', hint: IO_HINT } : gone;
    default:
      return { code: 'USB_IO', hint: IO_HINT };
  }
}

/** Turn anything WebUSB threw into a DfuFlashError. DfuFlashErrors pass through. */
export function mapWebUsbError(e: unknown, ctx: WebUsbErrorContext): DfuFlashError {
  if (e instanceof DfuFlashError) return e;
  const name = webUsbErrorName(e);
  const message = messageOf(e);
  const { code, hint } = classify(name, message, ctx);
  const where = ctx.where ?? `USB device ${hex16(ctx.vendorId)}:${hex16(ctx.productId)}`;
  return new DfuFlashError(code, `${ctx.operation} failed on ${where}: ${name ?? 'error'} ${JSON.stringify(message)}`, {
    hint,
    cause: e,
    details: { ...ctx.details, operation: ctx.operation, webUsbError: name ?? null },
  });
}
