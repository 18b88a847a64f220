/**
 * Every hint the CLI shows comes from here. The library's errors carry a
 * stable `code`, the facts as details (among them a `reason` naming the
 * situation, and the DFU status) and a hint in the library's own words;
 * this table gives the CLI's wording — its flags and commands — by reason,
 * then adds the platform's fix (udev rules on Linux, the WinUSB driver on
 * Windows, the transfer timeout on macOS). An error without an entry keeps
 * the library's hint.
 */
import { DfuFlashError, hex32 } from '../shared/errors.js';

type HintFor = (e: DfuFlashError) => string | undefined;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The CLI's hint for each `details.reason`. */
const BY_REASON: Record<string, HintFor> = {
  // selection syntax given as flags
  'bad-device-ids': () => 'write vid:pid in hex, e.g. -d 0483:df11; "*" matches any, "-" (runtime side) matches none, ",vid:pid" = DFU mode only',
  'no-runtime-dash': () => 'to accept DFU-mode devices only, write -d ,vid:pid',
  'bad-alt': () => 'give an alt setting number (-a 0) or its name (-a "Internal Flash")',
  'bad-path': () => '`dfu-flash list` shows the path of each device',
  'bad-serial': () => 'give the serial number shown by `dfu-flash list`, e.g. -S 3276365B3138',
  // finding the device
  'no-devices': () =>
    'plug the board in and start its bootloader (on STM32: BOOT0 high, then reset); `dfu-flash list` shows what is found; on Linux, a device you may not open needs a udev rule',
  'no-match': () => '`dfu-flash list` shows the devices found; check -d, -S, -p, -n, -a',
  'runtime-mode': () => 'switch it to DFU mode first: `dfu-flash detach` (or hold BOOT0 and reset the board)',
  'already-dfu-mode': () => 'nothing to detach: use download or upload directly',
  'multiple-devices': (e) => {
    const candidates = (e.details['candidates'] as { portPath: string; serial?: string; uniqueSerial?: boolean }[] | undefined) ?? [];
    const flags = candidates.map((c) => `${c.portPath}: -p ${c.portPath}${c.uniqueSerial && c.serial !== undefined ? ` or -S ${c.serial}` : ''}`);
    return `choose one with its flag (${flags.join('; ')}), or use --all to flash every board`;
  },
  'ambiguous-alt-name': () => 'select the alt setting by number (-a N)',
  'no-layout': () => 'choose the alt setting of the memory to write with -a (dfu-flash list shows them)',
  'cannot-download': () => 'choose another alt setting or interface (dfu-flash list)',
  // the image and the options
  'raw-needs-address': (e) => {
    const start = e.details['start'];
    return typeof start === 'number' ? `give one with -s ADDR, e.g. -s ${hex32(start)} (the start of ${str(e.details['region']) ?? 'the memory'})` : 'give one with -s ADDR';
  },
  'address-with-dfuse-file': () => 'drop the address from -s (modifiers such as -s :leave are fine)',
  'address-with-addressed-image': () => 'drop the address from -s (modifiers such as -s :leave are fine), or convert the file to a binary first',
  'no-target-for-alt': () => 'drop -a to flash every target of the file to its own alt setting',
  'dfuse-file-on-dfu11': () => 'convert it to a binary (dfu-flash convert) or flash it to a DfuSe device',
  'file-target-alt-missing': () => "check that the file is for this device (dfu-flash info shows its targets; dfu-flash list the device's alt settings)",
  'dfuse-options-on-dfu11': (e) => (e.details['operation'] === 'upload' ? 'drop -s; use -Z SIZE to limit how much is read' : 'drop -s: a DFU 1.1 device decides itself where the image goes'),
  'unprotect-with-download': () => 'run it on its own first (-s :unprotect:force, no file: DfuSe command mode), then download the firmware',
  'erase-with-upload': () => 'drop it from -s; to erase or unprotect, run -s :mass-erase:force or -s :unprotect:force on its own (DfuSe command mode, no file)',
  'cannot-verify': () => 'drop --verify, or flash with --no-verify (the device checks the image itself, if it can)',
  'no-upload-address': () => 'give one with -s ADDR:LEN',
  'suffix-mismatch': () => 'check that this is the right firmware for this board; if it is, flash it anyway with --ignore-suffix (or remove the suffix: dfu-flash suffix remove)',
  'dfuse-command-on-dfu11': (e) => (e.details['command'] === 'leave' ? 'use -R to reset a DFU 1.1 device instead' : undefined),
  'manifest-wait-reset': () => 'reset it (dfu-flash reset, or replug) and try again',
  'reset-before-last-part': () => 'flash the remaining parts in a second run once the device is back in DFU mode (-a picks one target of a .dfu file)',
  'zero-transfer-size': () => "give one with -t SIZE (try the device's bMaxPacketSize0, e.g. -t 64)",
};

export const ZADIG_HINT =
  'the device needs the WinUSB driver: install it with Zadig (https://zadig.akeo.ie): Options > List All Devices, pick the DFU device ' +
  '(e.g. "STM32 BOOTLOADER" or "DFU in FS Mode"), choose WinUSB, click Replace Driver, then replug the device';

export const SLOW_DEVICE_HINT =
  'some devices take longer than 5 s to answer one request (a long flash erase, a busy bootloader), and macOS gives up: ' +
  'retry with a longer per-transfer timeout, e.g. --transfer-timeout 20000; if it keeps happening, replug the device or try another port or cable';

export const UDEV_INSTALL_HINT = 'to allow every known DFU device at once: sudo dfu-flash udev-rules --install, then replug the device';

/** The platform's fix, on top of the hint so far (undefined: nothing to add). */
function platformHint(error: DfuFlashError, hint: string, platform: NodeJS.Platform): string | undefined {
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

/** The hint the CLI shows for an error. */
export function cliHint(error: DfuFlashError, platform: NodeJS.Platform): string | undefined {
  const reason = str(error.details['reason']);
  const own = reason === undefined ? undefined : BY_REASON[reason]?.(error);
  const hint = own ?? error.hint ?? '';
  return platformHint(error, hint, platform) ?? (hint === '' ? undefined : hint);
}

/** The error as the CLI shows it: the same facts, the CLI's hint (the same object when nothing changes). */
export function withGuidance(error: DfuFlashError, platform: NodeJS.Platform): DfuFlashError {
  const hint = cliHint(error, platform);
  if (hint === error.hint) return error;
  return new DfuFlashError(error.code, error.message, { ...(hint === undefined ? {} : { hint }), details: error.details, cause: error.cause });
}
