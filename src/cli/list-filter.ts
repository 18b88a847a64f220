/**
 * `list` accepts the same selection flags as the other commands and shows
 * only what they match (as `dfu-util -l -d ...` does): a display filter over
 * what the use case listed.
 */
import type { DeviceSelector, IdMatch, ListedAlt, ListedDevice } from '../ops/types.js';

function idsMatch(m: IdMatch | undefined, d: ListedDevice): boolean {
  return m === undefined || ((m.vendorId === undefined || m.vendorId === d.vendorId) && (m.productId === undefined || m.productId === d.productId));
}

function altMatches(sel: DeviceSelector, alt: ListedAlt): boolean {
  if (sel.intf !== undefined && alt.interfaceNumber !== sel.intf) return false;
  if (sel.alt === undefined) return true;
  if (typeof sel.alt === 'number') return alt.alternateSetting === sel.alt;
  const wanted = sel.alt.trim();
  if (alt.name !== undefined && (alt.name === sel.alt || alt.name.trim() === wanted)) return true;
  return alt.layout !== undefined && alt.layout.name.toLowerCase() === wanted.toLowerCase();
}

function deviceMatches(sel: DeviceSelector, d: ListedDevice): boolean {
  if (d.mode === 'runtime') {
    if (sel.runtimeIds === null || !idsMatch(sel.runtimeIds, d)) return false;
    if (sel.runtimeSerial !== undefined && d.serial !== sel.runtimeSerial) return false;
  } else {
    if (!idsMatch(sel.dfuIds, d)) return false;
    if (sel.dfuSerial !== undefined && d.serial !== sel.dfuSerial) return false;
  }
  if (sel.path !== undefined && d.portPath !== sel.path) return false;
  if (sel.devnum !== undefined && d.deviceAddress !== sel.devnum) return false;
  if (sel.cfg !== undefined && sel.cfg !== 0 && d.configurationValue !== sel.cfg) return false;
  return true;
}

/** The devices (and alt settings) the selector matches; with an -i/-a filter, devices left without alts are dropped. */
export function filterListed(devices: readonly ListedDevice[], sel: DeviceSelector): ListedDevice[] {
  const altFilter = sel.intf !== undefined || sel.alt !== undefined;
  const out: ListedDevice[] = [];
  for (const d of devices) {
    if (!deviceMatches(sel, d)) continue;
    if (!altFilter) {
      out.push(d);
      continue;
    }
    const alts = d.alts.filter((a) => altMatches(sel, a));
    if (alts.length > 0) out.push({ ...d, alts });
  }
  return out;
}
