/**
 * Platform-specific fix-it hints, applied to an error just before it is
 * shown: the WinUSB driver (Zadig) on Windows, slow devices and
 * --transfer-timeout on macOS, the udev rules installer on Linux.
 */
import { DfuFlashError } from '../shared/errors.js';

export const ZADIG_HINT =
  'the device needs the WinUSB driver: install it with Zadig (https://zadig.akeo.ie): Options > List All Devices, pick the DFU device ' +
  '(e.g. "STM32 BOOTLOADER" or "DFU in FS Mode"), choose WinUSB, click Replace Driver, then replug the device';

export const SLOW_DEVICE_HINT =
  'some devices take longer than 5 s to answer one request (a long flash erase, a busy bootloader), and macOS gives up: ' +
  'retry with a longer per-transfer timeout, e.g. --transfer-timeout 20000; if it keeps happening, replug the device or try another port or cable';

export const UDEV_INSTALL_HINT = 'to allow every known DFU device at once: sudo dfu-flash udev-rules --install, then replug the device';

function newHint(error: DfuFlashError, platform: NodeJS.Platform): string | undefined {
  const hint = error.hint ?? '';
  switch (platform) {
    case 'win32':
      if ((error.code === 'ACCESS' || error.code === 'DRIVER') && !/zadig/i.test(hint)) return ZADIG_HINT;
      return undefined;
    case 'darwin':
      if (error.code === 'TIMEOUT' && !hint.includes('--transfer-timeout')) return SLOW_DEVICE_HINT;
      return undefined;
    case 'linux':
      if (error.code === 'ACCESS' && !hint.includes('udev-rules --install')) return hint === '' ? UDEV_INSTALL_HINT : `${hint.replace(/[.\s]+$/, '')}; ${UDEV_INSTALL_HINT}`;
      return undefined;
    default:
      return undefined;
  }
}

/** The error with the platform's guidance as its hint (the same object when nothing changes). */
export function withGuidance(error: DfuFlashError, platform: NodeJS.Platform): DfuFlashError {
  const hint = newHint(error, platform);
  if (hint === undefined) return error;
  return new DfuFlashError(error.code, error.message, { hint, details: error.details, cause: error.cause });
}
