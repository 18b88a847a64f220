/**
 * libusb failures become DfuFlashError: the code says what kind of trouble it
 * is, the message states the facts (operation, device, libusb name), the hint
 * says how to fix it. The libusb name is kept in `details.libusbError`.
 *
 * libusb reports two families of numbers: LIBUSB_ERROR_* (negative, from
 * synchronous calls such as open or claim) and LIBUSB_TRANSFER_* statuses
 * (positive, from completed transfers). node-usb puts `libusb_error_name()`
 * of either into the Error's message and the number into `errno`.
 */
import { DfuFlashError, hex16, type ErrorCode } from '../../shared/errors.js';

/** libusb.h numbers → names, both families. */
export const LIBUSB_NAMES: Readonly<Record<number, string>> = {
  [-1]: 'LIBUSB_ERROR_IO',
  [-2]: 'LIBUSB_ERROR_INVALID_PARAM',
  [-3]: 'LIBUSB_ERROR_ACCESS',
  [-4]: 'LIBUSB_ERROR_NO_DEVICE',
  [-5]: 'LIBUSB_ERROR_NOT_FOUND',
  [-6]: 'LIBUSB_ERROR_BUSY',
  [-7]: 'LIBUSB_ERROR_TIMEOUT',
  [-8]: 'LIBUSB_ERROR_OVERFLOW',
  [-9]: 'LIBUSB_ERROR_PIPE',
  [-10]: 'LIBUSB_ERROR_INTERRUPTED',
  [-11]: 'LIBUSB_ERROR_NO_MEM',
  [-12]: 'LIBUSB_ERROR_NOT_SUPPORTED',
  [-99]: 'LIBUSB_ERROR_OTHER',
  1: 'LIBUSB_TRANSFER_ERROR',
  2: 'LIBUSB_TRANSFER_TIMED_OUT',
  3: 'LIBUSB_TRANSFER_CANCELLED',
  4: 'LIBUSB_TRANSFER_STALL',
  5: 'LIBUSB_TRANSFER_NO_DEVICE',
  6: 'LIBUSB_TRANSFER_OVERFLOW',
};

/** The kinds of trouble we tell apart; every other libusb name is plain I/O trouble. */
export type LibusbTrouble = 'access' | 'not-supported' | 'busy' | 'no-device' | 'timeout' | 'stall' | 'io';

const TROUBLE_BY_NAME: Readonly<Record<string, LibusbTrouble>> = {
  LIBUSB_ERROR_ACCESS: 'access',
  LIBUSB_ERROR_NOT_SUPPORTED: 'not-supported',
  LIBUSB_ERROR_BUSY: 'busy',
  LIBUSB_ERROR_NO_DEVICE: 'no-device',
  LIBUSB_TRANSFER_NO_DEVICE: 'no-device',
  LIBUSB_ERROR_TIMEOUT: 'timeout',
  LIBUSB_TRANSFER_TIMED_OUT: 'timeout',
  LIBUSB_ERROR_PIPE: 'stall',
  LIBUSB_TRANSFER_STALL: 'stall',
};

const WHAT_HAPPENED: Readonly<Record<LibusbTrouble, string>> = {
  access: 'permission denied',
  'not-supported': 'operation not supported by the driver bound to the device',
  busy: 'resource busy',
  'no-device': 'the device is no longer on the bus',
  timeout: 'timed out',
  stall: 'the device stalled the request',
  io: 'input/output error',
};

/** Where the error happened, for the message and the hint. */
export interface LibusbErrorContext {
  /** What we were doing, e.g. "open", "claim interface 0", "DFU_GETSTATUS". */
  operation: string;
  vendorId: number;
  productId: number;
  /** dfu-util style port path, e.g. "1-1.4". */
  portPath?: string | undefined;
  /** Defaults to process.platform; a parameter so the table test covers every platform. */
  platform?: NodeJS.Platform | undefined;
  /** Extra facts for --json output. */
  details?: Record<string, unknown> | undefined;
}

/** The libusb name of an error thrown or reported by node-usb, when it is one. */
export function libusbErrorName(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { message, errno } = err as { message?: unknown; errno?: unknown };
  if (typeof message === 'string' && /^LIBUSB_(ERROR|TRANSFER)_[A-Z_]+$/.test(message)) return message;
  if (typeof errno === 'number' && LIBUSB_NAMES[errno] !== undefined) return LIBUSB_NAMES[errno];
  return undefined;
}

export function troubleOf(name: string | undefined): LibusbTrouble {
  return (name !== undefined ? TROUBLE_BY_NAME[name] : undefined) ?? 'io';
}

/** Which ErrorCode a kind of trouble becomes on a platform. */
export function errorCodeFor(trouble: LibusbTrouble, platform: NodeJS.Platform): ErrorCode {
  switch (trouble) {
    case 'access':
      return platform === 'win32' ? 'DRIVER' : 'ACCESS';
    case 'not-supported':
      return platform === 'win32' || platform === 'darwin' ? 'DRIVER' : 'UNSUPPORTED';
    case 'busy':
      return 'BUSY';
    case 'no-device':
      return 'DEVICE_GONE';
    case 'timeout':
      return 'TIMEOUT';
    case 'stall':
      return 'STALL';
    case 'io':
      return 'USB_IO';
  }
}

/** The udev rule that gives the logged-in user access to one VID:PID. */
export function udevRule(vendorId: number, productId: number): string {
  return `SUBSYSTEM=="usb", ATTRS{idVendor}=="${hex16(vendorId)}", ATTRS{idProduct}=="${hex16(productId)}", TAG+="uaccess"`;
}

export const UDEV_RULES_FILE = '/etc/udev/rules.d/70-dfu-flash.rules';

export function accessHint(vendorId: number, productId: number, platform: NodeJS.Platform): string {
  if (platform === 'linux') {
    return (
      `your user may not open this USB device: put this line in ${UDEV_RULES_FILE}:\n` +
      `  ${udevRule(vendorId, productId)}\n` +
      `then run: sudo udevadm control --reload-rules && sudo udevadm trigger\n` +
      `and replug the device`
    );
  }
  if (platform === 'darwin') {
    return 'another program or a kernel driver holds the device: quit other DFU tools (dfu-util, STM32CubeProgrammer) and replug it';
  }
  return 'check that your user may open USB devices, then replug the device';
}

export function windowsDriverHint(vendorId: number, productId: number): string {
  return (
    `Windows has no WinUSB driver bound to ${hex16(vendorId)}:${hex16(productId)} (an STTub30/DfuSe driver, or none); ` +
    'install WinUSB with Zadig (https://zadig.akeo.ie): open Options > List All Devices, select the device ' +
    '(e.g. "STM32 BOOTLOADER" or "DFU in FS Mode"), choose WinUSB, click Replace Driver, then replug the device'
  );
}

export const BUSY_HINT =
  'another program holds the device: close dfu-util, STM32CubeProgrammer, ModemManager, a serial terminal or any other tool using it, then retry';

const HINTS: Readonly<Record<Exclude<LibusbTrouble, 'access' | 'not-supported' | 'busy'>, string>> = {
  'no-device': 'the device left the bus (unplugged, reset or crashed): replug it and run the operation again',
  timeout: 'the device did not answer in time: replug it; if it keeps happening, try another USB port or cable',
  stall: 'the device refused the request: check that it is in the mode you expect (list the devices again)',
  io: 'USB communication failed: replug the device; if it keeps happening, try another USB port or cable',
};

export function hintFor(trouble: LibusbTrouble, vendorId: number, productId: number, platform: NodeJS.Platform): string {
  switch (trouble) {
    case 'access':
      return platform === 'win32' ? windowsDriverHint(vendorId, productId) : accessHint(vendorId, productId, platform);
    case 'not-supported':
      if (platform === 'win32') return windowsDriverHint(vendorId, productId);
      if (platform === 'darwin') return accessHint(vendorId, productId, platform);
      return 'the operating system or its driver cannot do this for this device';
    case 'busy':
      return BUSY_HINT;
    default:
      return HINTS[trouble];
  }
}

/** Turn anything node-usb threw or reported into a DfuFlashError. DfuFlashErrors pass through. */
export function mapLibusbError(err: unknown, ctx: LibusbErrorContext): DfuFlashError {
  if (err instanceof DfuFlashError) return err;
  const platform = ctx.platform ?? process.platform;
  const name = libusbErrorName(err);
  const trouble = troubleOf(name);
  const where = `USB device ${hex16(ctx.vendorId)}:${hex16(ctx.productId)}${ctx.portPath ? ` at ${ctx.portPath}` : ''}`;
  const why = name !== undefined ? `${WHAT_HAPPENED[trouble]} (${name})` : String((err as Error)?.message ?? err);
  return new DfuFlashError(errorCodeFor(trouble, platform), `${ctx.operation} failed on ${where}: ${why}`, {
    hint: hintFor(trouble, ctx.vendorId, ctx.productId, platform),
    cause: err,
    details: { ...ctx.details, ...(trouble === 'stall' ? { reason: 'usb-stall' } : {}), operation: ctx.operation, libusbError: name ?? null },
  });
}
