/** Text of `dfu-flash info` and `dfu-flash suffix check`: what a firmware file holds, one fact per line. */
import { hex16, hex32 } from '../shared/errors.js';
import type { DfuSuffixInfo } from '../formats/image.js';
import type { FileInfo, SegmentInfo } from './file-tools.js';
import { oneLine } from './reporters/format.js';

/** '0x08000000-0x080000ff, 256 bytes'. */
export function formatSegment(s: SegmentInfo): string {
  const range = s.length === 0 ? hex32(s.address) : `${hex32(s.address)}-${hex32(s.address + s.length - 1)}`;
  return `${range}, ${s.length} byte${s.length === 1 ? '' : 's'}`;
}

const hex4 = (n: number): string => `0x${hex16(n)}`;

/** 'idVendor 0x0483, idProduct 0xdf11, bcdDevice 0x2200, bcdDFU 0x011a, bLength 16, dwCRC 0x69a6ebaf (ok)'. */
export function formatSuffix(s: DfuSuffixInfo): string {
  return `${hex16(s.idVendor)}:${hex16(s.idProduct)}, bcdDevice ${hex4(s.bcdDevice)}, bcdDFU ${hex4(s.bcdDFU)}, bLength ${s.length}, dwCRC ${hex32(s.crc)} (ok)`;
}

const CONVENTIONS = {
  st: 'file length without the 16-byte suffix (as ST tools, MicroPython and fwupd write it)',
  'dfuse-pack': "the whole file length, suffix included (as dfu-util's dfuse-pack writes it)",
} as const;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function renderFileInfo(info: FileInfo, shownName: string): string {
  const lines = [`${shownName}: ${info.formatName}, ${plural(info.fileBytes, 'byte')}`];
  if (info.header !== undefined && info.header !== '') lines.push(`  header: ${JSON.stringify(oneLine(info.header))}`);
  if (info.suffix !== undefined) lines.push(`  DFU suffix: ${formatSuffix(info.suffix)}`);
  if (info.dfuse !== undefined) {
    const d = info.dfuse;
    lines.push(`  DFUImageSize: ${d.imageSize} = ${CONVENTIONS[d.imageSizeConvention]}`);
    for (const [i, t] of d.targets.entries()) {
      const name = t.targetNamed === 0 ? 'unnamed' : JSON.stringify(oneLine(t.name));
      const bytes = t.elements.reduce((n, e) => n + e.length, 0);
      lines.push(`  target ${i}: alt ${t.alternateSetting}, ${name}, ${plural(t.elements.length, 'element')}, ${plural(bytes, 'byte')}`);
      for (const [j, e] of t.elements.entries()) lines.push(`    element ${j}: ${formatSegment(e)}`);
    }
  }
  if (!info.addressed) {
    const what = info.format === 'bin' ? 'raw binary' : info.formatName;
    lines.push(`  data: ${plural(info.totalBytes, 'byte')}, no addresses (${what}: give the address with -s when flashing a DfuSe device)`);
  } else {
    const segs = info.segments;
    const span = segs.length === 0 ? '' : `, ${hex32(segs[0]!.address)}-${hex32(segs[segs.length - 1]!.address + segs[segs.length - 1]!.length - 1)}`;
    lines.push(`  data: ${plural(info.totalBytes, 'byte')} in ${plural(segs.length, 'segment')}${span}`);
    for (const s of segs) lines.push(`    ${formatSegment(s)}`);
  }
  if (info.startAddress !== undefined) lines.push(`  start address: ${hex32(info.startAddress)}`);
  return lines.join('\n') + '\n';
}

/** `suffix check`: the fields, one per line (the names of the DFU 1.1 spec, appendix B). */
export function renderSuffixCheck(r: { fileBytes: number; payloadBytes: number; suffix: DfuSuffixInfo }, shownName: string): string {
  const s = r.suffix;
  return (
    [
      `${shownName}: DFU suffix, ${plural(r.payloadBytes, 'byte')} of payload`,
      `  idVendor   ${hex4(s.idVendor)}`,
      `  idProduct  ${hex4(s.idProduct)}`,
      `  bcdDevice  ${hex4(s.bcdDevice)}`,
      `  bcdDFU     ${hex4(s.bcdDFU)}`,
      `  bLength    ${s.length}`,
      `  dwCRC      ${hex32(s.crc)} (ok)`,
    ].join('\n') + '\n'
  );
}
