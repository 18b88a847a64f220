/**
 * `list` accepts the same selection flags as the other commands and shows
 * only what they match (as `dfu-util -l -d ...` does): a display filter over
 * what the use case listed, with the very predicates the operations select by.
 */
import { altMatches, deviceMatches } from '../ops/select.js';
import type { DeviceSelector, ListedDevice } from '../ops/types.js';

/** The devices (and alt settings) the selector matches; with an -i/-a filter, devices left without alts are dropped. */
export function filterListed(devices: readonly ListedDevice[], sel: DeviceSelector): ListedDevice[] {
  const altFilter = sel.intf !== undefined || sel.alt !== undefined;
  const out: ListedDevice[] = [];
  for (const d of devices) {
    const alts = d.alts.filter((a) => deviceMatches(sel, d, a, d.mode) && altMatches(sel, a));
    if (alts.length === 0) continue;
    out.push(altFilter ? { ...d, alts } : d);
  }
  return out;
}
