/**
 * The device panel (data-testid="device"): product, IDs, serial, mode, DFU
 * version and transfer size, and each alt setting's memory layout parsed into
 * regions of sectors (start, end, size, what may be done to them).
 */
import { hex16, type ListedAlt, type ListedDevice } from '../index.js';
import { el } from './ui.js';
import { formatBytes, hexAddress } from './units.js';

export function deviceTitle(d: ListedDevice): string {
  return `${d.product ?? 'DFU device'} (${hex16(d.vendorId)}:${hex16(d.productId)}${d.serial === undefined ? '' : `, serial ${d.serial}`})`;
}

function dfuVersion(d: ListedDevice): string {
  const bcd = d.alts[0]?.functional?.bcdDFUVersion;
  if (d.dfuse) return 'DfuSe (ST extension of DFU 1.1a)';
  if (bcd === undefined) return 'DFU';
  return `DFU ${(bcd >> 8).toString(16)}.${(bcd & 0xff).toString(16).padStart(2, '0')}`;
}

function flags(s: { readable: boolean; erasable: boolean; writable: boolean }): string {
  const f = [s.readable && 'readable', s.erasable && 'erasable', s.writable && 'writable'].filter((x): x is string => typeof x === 'string');
  return f.length === 0 ? 'no access' : f.join(', ');
}

function layoutTable(alt: ListedAlt): HTMLElement {
  const layout = alt.layout!;
  const rows = layout.segments.map((s) =>
    el('tr', {}, el('td', { class: 'mono' }, hexAddress(s.start)), el('td', { class: 'mono' }, hexAddress(s.end - 1)), el('td', {}, `${s.count} × ${formatBytes(s.pageSize)}`), el('td', {}, flags(s))),
  );
  return el(
    'table',
    {},
    el('caption', {}, `alt ${alt.alternateSetting}: ${layout.name}`),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'from'), el('th', { scope: 'col' }, 'to'), el('th', { scope: 'col' }, 'sectors'), el('th', { scope: 'col' }, 'access'))),
    el('tbody', {}, ...rows),
  );
}

export function renderDevice(target: HTMLElement, d: ListedDevice | undefined, empty: string): void {
  if (d === undefined) {
    target.replaceChildren(empty);
    return;
  }
  const transfer = d.alts[0]?.functional?.wTransferSize;
  const facts: [string, string][] = [
    ['USB ID', `${hex16(d.vendorId)}:${hex16(d.productId)}`],
    ['Serial', d.serial ?? '—'],
    ['Mode', d.mode === 'dfu' ? 'DFU mode (bootloader)' : 'runtime (running firmware): it is switched to DFU mode when flashing'],
    ['Protocol', dfuVersion(d)],
    ...(transfer === undefined ? [] : ([['Transfer size', `${transfer} B`]] as [string, string][])),
  ];
  const dl = el('dl', {}, ...facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
  const parts: Node[] = [el('h3', {}, d.product ?? 'DFU device'), dl];
  const alts = d.alts.map((alt) =>
    alt.layout !== undefined ? layoutTable(alt) : el('p', {}, `alt ${alt.alternateSetting}: ${alt.name ?? '(no name)'}${alt.layoutError === undefined ? '' : ` (layout not understood: ${alt.layoutError})`}`),
  );
  // the first memory in full; the others (option bytes, OTP…) one click away
  parts.push(...alts.slice(0, 1));
  if (alts.length > 1) {
    const names = d.alts.slice(1).map((a) => a.layout?.name ?? a.name ?? `alt ${a.alternateSetting}`);
    parts.push(el('details', {}, el('summary', {}, `${names.length} more: ${names.join(', ')}`), ...alts.slice(1)));
  }
  target.replaceChildren(...parts);
}

/** The Memory list: automatic, then every alt setting of a DFU-mode device. */
export function renderAlts(select: HTMLSelectElement, d: ListedDevice | undefined, wanted: string): void {
  const options = [el('option', { value: '' }, 'automatic')];
  if (d !== undefined && d.mode === 'dfu') {
    for (const alt of d.alts) {
      const name = alt.layout?.name ?? alt.name ?? '(no name)';
      const start = alt.layout?.segments[0]?.start;
      options.push(el('option', { value: String(alt.alternateSetting) }, `alt ${alt.alternateSetting}: ${name}${start === undefined ? '' : ` at ${hexAddress(start)}`}`));
    }
  }
  select.replaceChildren(...options);
  select.value = options.some((o) => (o as HTMLOptionElement).value === wanted) ? wanted : '';
}
