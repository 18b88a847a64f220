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
import { DfuStatus } from '../dfu/constants.js';
import { dfuseAddressHint, type DfuseAddressHintFacts } from '../dfu/dfuse-address.js';
import { LAYOUT_SYNTAX } from '../dfu/memory-layout.js';
import { INPUT_FORMATS } from './program-options.js';

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
  'bad-transfer-size': () => 'pass -t with a size in bytes such as 1024 or 2048, or leave it out to use the device-reported wTransferSize',
  // -s, the DfuSe address and its modifiers
  'bad-dfuse-address': (e) => dfuseAddressHint(e.details as unknown as DfuseAddressHintFacts, '-s '),
  'dfuse-needs-force': (e) => dfuseAddressHint(e.details as unknown as DfuseAddressHintFacts, '-s '),
  'upload-needs-address': () => 'give -s ADDR[:LEN], e.g. -s 0x08000000:0x10000; without LEN the upload reads to the end of the memory region that holds ADDR',
  'bad-upload-address': () => 'give -s ADDR[:LEN], e.g. -s 0x08000000:0x10000',
  'bad-upload-length': () => 'give -s ADDR:LEN with LEN > 0, e.g. -s 0x08000000:0x10000',
  'upload-needs-length': (e) => {
    const at = typeof e.details['address'] === 'number' ? hex32(e.details['address']) : 'ADDR';
    return `give the length too: -s ${at}:LEN, e.g. -s ${at}:0x4000`;
  },
  'upload-outside-layout': (e) => {
    const max = e.details['maxLength'];
    const at = typeof e.details['address'] === 'number' ? hex32(e.details['address']) : 'ADDR';
    return `check -s ADDR[:LEN] and the alt setting (-a); ${typeof max === 'number' ? `shorten LEN to at most ${max} bytes (-s ${at}:${max}), or add` : 'add'} :force to read it anyway`;
  },
  'upload-unreadable': (e) => {
    const max = e.details['maxLength'];
    const next = e.details['nextReadable'];
    const at = typeof e.details['address'] === 'number' ? hex32(e.details['address']) : 'ADDR';
    const room = typeof max === 'number' ? `shorten LEN to at most ${max} bytes (-s ${at}:${max}); ` : typeof next === 'number' ? `the next readable address is ${hex32(next)}; ` : '';
    return `${room}add :force to try reading it anyway (the device will probably refuse)`;
  },
  'bad-leave-address': () => `give the jump address as -s ADDR:leave, e.g. -s ${hex32(0x08000000)}:leave`,
  'image-past-address-space': () => 'check the start address given with -s ADDR',
  'image-outside-layout': () =>
    "check the start address given with -s ADDR and the alt setting (-a): the image must lie inside the alt setting's memory; " +
    "use :force only if you know the device's layout string is wrong",
  'sector-not-writable': (e) => {
    const first = e.details['firstWritable'];
    const readOnly = e.details['readOnly'] === true;
    return [
      ...(readOnly ? ['read-only sectors usually hold a bootloader'] : []),
      typeof first === 'number'
        ? `the first writable address after it is ${hex32(first)}; start the image there (-s ${hex32(first)}) if that is where it belongs`
        : 'the layout has no writable memory after it',
      ...(readOnly ? [] : ["if the device's layout string mislabels this memory, :force writes anyway"]),
    ].join('; ');
  },
  // the device and its answers
  'bad-layout': () => `${LAYOUT_SYNTAX}; the string comes from the device's descriptors: pick another alt setting with -a, or report the device`,
  'command-not-executed': () => 'replug the device and try again; if it persists, report the device (dfu-flash list --json)',
  'dfu-status': (e) => statusHintWithFlags(e),
  'usb-stall': () => 'the device refused the request: run `dfu-flash list` to check that it is in the mode you expect',
  'libusb-not-loaded': () => 'reinstall dfu-flash (npm install -g dfu-flash) so that the usb package can fetch its prebuilt libusb binding for this platform',
  // the file
  'text-named-bin': (e) =>
    `rename it to .${e.details['detected'] === 'srec' ? 'srec' : 'hex'} to flash what it describes, or pass --format bin to flash its ASCII bytes as they are`,
  'dfu-named-not-dfu': () => 'this is not a DFU file (it may be encrypted or meant for another tool); pass --format bin to flash its bytes as they are',
  'wrong-format': (e) => (e.hint === undefined ? undefined : `${e.hint}; --format chooses it (${INPUT_FORMATS.join(', ')})`),
  'damaged-suffix': (e) => (e.hint === undefined ? undefined : `${e.hint} (dfu-flash suffix remove, then dfu-flash suffix add)`),
  'internal-error': () => 'this is a bug: please report it with the output of -v',
  'suffix-exists': () => 'remove the existing suffix first (dfu-flash suffix remove)',
};

/** A failing DFU status, with the flags that act on it (undefined: the library's hint says it all). */
function statusHintWithFlags(e: DfuFlashError): string | undefined {
  const phase = e.details['phase'];
  switch (e.details['status']) {
    case DfuStatus.errVENDOR:
      return phase === 'upload' || phase === 'verify'
        ? 'read-out protection is probably active, so the memory cannot be read; lifting it with -s :unprotect:force (DfuSe command mode, no file) makes the chip erase its whole flash, then flash the firmware again'
        : 'the device refused with a vendor error; on STM32 this usually means read-out or write protection is active: lifting read-out protection with -s :unprotect:force (no file) makes the chip erase its whole flash';
    case DfuStatus.errTARGET:
    case DfuStatus.errADDRESS:
      return 'the address is not valid for this memory: check -s ADDR and the alt setting (dfu-flash list shows the memory map)';
    case DfuStatus.errSTALLEDPKT:
      return 'the device refused a request it did not expect in its state; run the same command again (it starts by clearing the error), and if it repeats, replug the device';
    case DfuStatus.errUNKNOWN:
      return 'the device does not say what went wrong; run the same command again, and replug the device if it repeats';
    default:
      return undefined;
  }
}

export const ZADIG_HINT =
  'the device needs the WinUSB driver: install it with Zadig (https://zadig.akeo.ie): open Options > List All Devices, pick the DFU device ' +
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
