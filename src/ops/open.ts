/** Open a target, claim its interface, select its alt setting, and always let go in the end. */
import { DfuFlashError } from '../shared/errors.js';
import { DfuRequests } from '../dfu/requests.js';
import { DEFAULT_QUIRKS, type Quirks } from '../dfu/quirks.js';
import { functionalFor, isDfuseDescriptor } from '../dfu/device-mode.js';
import type { DfuSession } from '../dfu/session.js';
import type { FunctionalDescriptor } from '../transport/types.js';
import type { OpContext } from './types.js';
import type { Target } from './select.js';

export interface TransferSizeInput {
  functional: FunctionalDescriptor;
  override?: number | undefined;
  bMaxPacketSize0: number;
  /** The backend's largest control transfer (Linux usbfs: 4096), if it has one. */
  maxControlTransferBytes?: number | undefined;
  emitWarning?: (message: string) => void;
}

/** wTransferSize, or -t, within what the host stack can send. Checked before any transfer. */
export function resolveTransferSize(input: TransferSizeInput): number {
  let size = input.override ?? input.functional.wTransferSize;
  if (input.override !== undefined && input.override !== input.functional.wTransferSize) {
    input.emitWarning?.(`overriding the device's transfer size ${input.functional.wTransferSize} with ${input.override}`);
  }
  if (!Number.isInteger(size) || size <= 0) {
    throw new DfuFlashError('USAGE', 'the device reports a transfer size of 0', {
      hint: "give a transfer size (try the device's bMaxPacketSize0, e.g. 64)",
      details: { reason: 'zero-transfer-size' },
    });
  }
  const limit = input.maxControlTransferBytes;
  if (limit !== undefined && size > limit) {
    input.emitWarning?.(`transfer size ${size} limited to ${limit} (the USB stack's control-transfer limit)`);
    size = limit;
  }
  if (size < input.bMaxPacketSize0) size = input.bMaxPacketSize0;
  return size;
}

export function requireFunctional(target: Target): FunctionalDescriptor {
  const f = functionalFor(target.device, target.alt);
  if (f) return f;
  // dfu-util assumes a DFU 1.0 device in this case; so do we, with a transfer size to be given by -t.
  return {
    bLength: 0,
    bmAttributes: 0x03,
    wDetachTimeOut: 1000,
    wTransferSize: 0,
    bcdDFUVersion: 0x0100,
    canDownload: true,
    canUpload: true,
    manifestationTolerant: false,
    willDetach: false,
  };
}

export interface OpenSessionOptions {
  transferSize: number;
  functional: FunctionalDescriptor;
  quirks?: Quirks;
  trace?: boolean;
}

/**
 * Run `fn` with a session on the target's interface. Claims the interface and
 * sets the alt setting; releases and closes on every path.
 */
export async function withSession<T>(
  ctx: OpContext,
  target: Target,
  options: OpenSessionOptions,
  fn: (session: DfuSession) => Promise<T>,
): Promise<T> {
  const transport = await ctx.backend.open(target.device);
  const iface = target.alt.interfaceNumber;
  let claimed = false;
  try {
    await transport.claimInterface(iface);
    claimed = true;
    await transport.setAltSetting(iface, target.alt.alternateSetting);
    const req = new DfuRequests({
      transport,
      interfaceNumber: iface,
      emit: ctx.emit,
      trace: options.trace ?? false,
      ...(ctx.transferTimeoutMs !== undefined ? { timeoutMs: ctx.transferTimeoutMs } : {}),
    });
    const session: DfuSession = {
      req,
      clock: ctx.clock,
      emit: ctx.emit,
      functional: options.functional,
      transferSize: options.transferSize,
      quirks: blockAddressingFor(options.quirks ?? DEFAULT_QUIRKS, options, ctx),
      signal: ctx.signal,
    };
    return await fn(session);
  } finally {
    if (claimed) await transport.releaseInterface(iface).catch(() => undefined);
    await transport.close();
  }
}

/**
 * DfuSe block addressing places block n at (n − 2) × the device's own
 * wTransferSize: with any other block size (-t, or the Linux 4096 cap) every
 * block needs its own SET_ADDRESS, or half the image lands in the wrong place.
 */
function blockAddressingFor(quirks: Quirks, options: OpenSessionOptions, ctx: OpContext): Quirks {
  if (!quirks.blockAddressing || !isDfuseDescriptor(options.functional) || options.transferSize === options.functional.wTransferSize) return quirks;
  ctx.emit({
    type: 'debug',
    message: `transfer size ${options.transferSize} differs from the device's wTransferSize ${options.functional.wTransferSize}: one SET_ADDRESS per block`,
  });
  return { ...quirks, blockAddressing: false };
}
