/**
 * `dfu-flash -l` in dfu-util compatibility mode prints dfu-util's own line
 * format, so scripts that grep it keep working: one line per alt setting,
 *
 *   Found DFU: [0483:df11] ver=2200, devnum=5, cfg=1, intf=0, path="1-1", alt=0, name="@Internal Flash  /0x08000000/04*016Kg", serial="3276365B3138"
 *   Found Runtime: [1d50:6018] ver=0100, devnum=76, cfg=1, intf=4, path="3-4.2", alt=0, name="Black Magic Firmware Upgrade (STLINK)", serial="C2C89BDB"
 *
 * Missing strings read "UNKNOWN", as in dfu-util. Unlike dfu-util (which
 * prints them last to first), alt settings come in ascending order.
 */
import { hex16 } from '../shared/errors.js';
import type { ListedDevice } from '../ops/types.js';

/** Control characters would break the line; everything else (padding included) is kept. */
function field(s: string | undefined): string {
  return s === undefined ? 'UNKNOWN' : s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

export function renderDfuUtilList(devices: readonly ListedDevice[]): string {
  const lines: string[] = [];
  for (const d of devices) {
    const kind = d.mode === 'dfu' ? 'DFU' : 'Runtime';
    for (const a of d.alts) {
      lines.push(
        `Found ${kind}: [${hex16(d.vendorId)}:${hex16(d.productId)}] ver=${hex16(d.bcdDevice)}, devnum=${d.deviceAddress}, cfg=${d.configurationValue}, ` +
          `intf=${a.interfaceNumber}, path="${d.portPath}", alt=${a.alternateSetting}, name="${field(a.name)}", serial="${field(d.serial)}"`,
      );
    }
  }
  return lines.map((l) => l + '\n').join('');
}
