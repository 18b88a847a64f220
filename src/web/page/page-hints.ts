/**
 * The fix the page shows with an error. The library's errors carry a stable
 * code, the facts as details (among them a `reason`) and a hint in the
 * library's own words; this table words the fix for the page's controls
 * (the Address field, the Verify box, the Connect button), as src/cli/hints.ts
 * does for the CLI's flags. Anything without an entry keeps the library's hint.
 */
import { isDfuFlashError } from '../index.js';

type Fix = (details: Record<string, unknown>) => string | undefined;

const hex = (v: unknown): string | undefined => (typeof v === 'number' ? `0x${v.toString(16).padStart(8, '0')}` : undefined);

const BY_REASON: Record<string, Fix> = {
  'raw-needs-address': (d) => {
    const start = hex(d['start']);
    return `enter the address where it goes in the Address field${start === undefined ? '' : `, e.g. ${start} (the start of ${typeof d['region'] === 'string' ? d['region'] : 'the memory'})`}`;
  },
  'address-with-addressed-image': () => 'clear the Address field: the file says where its bytes go',
  'no-devices': () => 'plug the board in, start its bootloader (on STM32: BOOT0 high, then reset) and click “Connect a device…”',
  'no-match': () => 'click “Connect a device…” and select the board',
  'multiple-devices': () => 'choose the board in the Device list',
  'cannot-verify': () => 'untick Verify to flash without reading back (the device checks the image itself, if it can)',
  'suffix-mismatch': () => 'check that this is the right firmware for this board',
  'no-layout': () => 'choose the memory to write in the Memory list',
  'no-such-alt': () => 'choose the memory to write in the Memory list',
  'cannot-download': () => 'choose another memory in the Memory list',
  'needs-permission': () => 'click “Select the board in DFU mode” and select it in the browser’s list: flashing continues from there',
  'still-runtime': () => 'start the board’s bootloader by hand (on STM32: BOOT0 high, then reset), then flash again',
  'strings-unreadable': () =>
    'unplug the board, plug it in again and click “Connect a device…”: some bootloaders (the STM32CubeMX DFU class among them) enumerate with unreadable strings now and then',
  'image-outside-layout': (d) => {
    const ranges = Array.isArray(d['ranges']) ? d['ranges'].filter((r): r is { start: number; end: number } => typeof r?.start === 'number' && typeof r?.end === 'number') : [];
    const where = ranges.length === 0 ? '' : ` (${ranges.map((r) => `${hex(r.start)}-${hex(r.end - 1)}`).join(', ')})`;
    return `check the Address field and the Memory list: the image must lie inside the chosen memory${where}`;
  },
  'image-past-address-space': () => 'check the address in the Address field: the image runs past the end of the 32-bit address space',
  'sector-not-writable': (d) => {
    const first = hex(d['firstWritable']);
    const bootloader = d['readOnly'] === true ? 'read-only sectors usually hold a bootloader; ' : '';
    return first === undefined
      ? `${bootloader}choose another memory in the Memory list`
      : `${bootloader}enter ${first} (the first writable address after it) in the Address field if the image belongs there`;
  },
  'empty-file': () => 'this file is empty: check that the build produced the firmware, then choose it again',
  'empty-image': () => 'check that the build produced the firmware, then choose it again',
  'damaged-suffix': () => 'the DFU suffix at the end of the file is damaged: get the firmware file again',
  'dfu-named-not-dfu': () => 'this is not a DFU file (it may be encrypted or meant for another tool): if it is a raw binary, rename it to .bin and choose it again',
  'wrong-format': () => 'its name says one format and its content does not match: rename it after what it holds, or choose another file (this one may be damaged)',
};

const BY_CODE: Record<string, string> = {
  DEVICE_GONE: 'plug the board back in (in DFU mode), select it if the browser asks, and flash again',
  ABORTED: 'flash again when ready',
};

/** A file the auto-detection refused for its name (the CLI offers --format; the page detects only). */
function formatFix(details: Record<string, unknown>): string | undefined {
  const detected = details['detected'];
  if (detected === 'ihex' || detected === 'srec') return `rename the file to .${detected === 'ihex' ? 'hex' : 'srec'} and choose it again: it holds ${detected === 'ihex' ? 'Intel HEX' : 'S-record'} text`;
  if (details['format'] === 'bin') return 'if it is a raw binary, rename it to .bin and choose it again';
  return undefined;
}

/** The fix to show with `e` (undefined: nothing useful to add). */
export function pageFix(e: unknown): string | undefined {
  if (!isDfuFlashError(e)) return undefined;
  const reason = typeof e.details['reason'] === 'string' ? e.details['reason'] : undefined;
  // a reason the table knows wins over the format guess (an empty .bin is not "maybe a raw binary")
  const byReason = reason === undefined ? undefined : BY_REASON[reason]?.(e.details);
  if (e.code === 'FORMAT') return byReason ?? formatFix(e.details) ?? e.hint;
  return byReason ?? BY_CODE[e.code] ?? e.hint;
}

/** The message to show after `error: `. */
export function pageMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
