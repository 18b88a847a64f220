/**
 * Write DfuSe files (UM0391 layout, see dfuse-file.ts). With
 * imageSizeConvention 'dfuse-pack' the output is byte-identical to dfu-util's
 * dfuse-pack; with 'st' (the default) DFUImageSize excludes the suffix, as ST's
 * DfuSe tools, MicroPython and fwupd write it.
 */
import { DfuFlashError, hex32 } from '../shared/errors.js';
import type { ImageSegment } from './image.js';
import { appendDfuSuffix } from './dfu-suffix.js';

export interface DfuseTargetInput {
  alternateSetting: number;
  /** Target name (Latin-1, at most 255 bytes); 'ST...' (dfuse-pack's default) when omitted. */
  name?: string | undefined;
  /** Elements in the order to write them. */
  segments: ImageSegment[];
  /** When present (as parseDfuseFile returns it), written instead of `segments`: the elements exactly as read. */
  elements?: ImageSegment[] | undefined;
}

export interface DfuseBuildOptions {
  /** Suffix idVendor; 0x0483 by default. */
  idVendor?: number | undefined;
  /** Suffix idProduct; 0xdf11 by default. */
  idProduct?: number | undefined;
  /** Suffix bcdDevice; 0x0000 by default. */
  bcdDevice?: number | undefined;
  /** 'st' (default): DFUImageSize = file length − 16; 'dfuse-pack': DFUImageSize = file length. */
  imageSizeConvention?: 'st' | 'dfuse-pack' | undefined;
}

const DEFAULT_NAME = 'ST...';

function usage(message: string): DfuFlashError {
  return new DfuFlashError('USAGE', message, { hint: 'fix the DfuSe build parameters' });
}

function checkU16(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw usage(`${name} must be 0x0000-0xffff, got ${String(v)}`);
  return v;
}

export function buildDfuseFile(targets: readonly DfuseTargetInput[], options: DfuseBuildOptions = {}): Uint8Array {
  if (targets.length < 1 || targets.length > 255) throw usage(`a DfuSe file holds 1-255 targets, got ${targets.length}`);
  const idVendor = checkU16('idVendor', options.idVendor ?? 0x0483);
  const idProduct = checkU16('idProduct', options.idProduct ?? 0xdf11);
  const bcdDevice = checkU16('bcdDevice', options.bcdDevice ?? 0x0000);
  const convention = options.imageSizeConvention ?? 'st';

  const prepared = targets.map((t, i) => {
    if (!Number.isInteger(t.alternateSetting) || t.alternateSetting < 0 || t.alternateSetting > 255) {
      throw usage(`target ${i}: alternate setting must be 0-255, got ${String(t.alternateSetting)}`);
    }
    const name = t.name ?? DEFAULT_NAME;
    const nameBytes = Array.from(name, (c) => c.charCodeAt(0));
    if (nameBytes.length > 255 || nameBytes.some((b) => b > 0xff)) throw usage(`target ${i}: name must be at most 255 Latin-1 characters, got ${JSON.stringify(name)}`);
    const elements = t.elements ?? t.segments;
    for (const [e, el] of elements.entries()) {
      if (!Number.isInteger(el.address) || el.address < 0 || el.address + el.data.length > 0x1_0000_0000) {
        throw usage(`target ${i} element ${e}: ${el.data.length} bytes at ${hex32(el.address)} do not fit the 32-bit address space`);
      }
    }
    const size = elements.reduce((sum, el) => sum + 8 + el.data.length, 0);
    return { alt: t.alternateSetting, nameBytes, elements, size };
  });

  const bodyLength = 11 + prepared.reduce((sum, t) => sum + 274 + t.size, 0);
  const body = new Uint8Array(bodyLength);
  const view = new DataView(body.buffer);
  const imageSize = convention === 'dfuse-pack' ? bodyLength + 16 : bodyLength;
  body.set([0x44, 0x66, 0x75, 0x53, 0x65, 0x01], 0); // 'DfuSe', bVersion 1
  view.setUint32(6, imageSize, true);
  body[10] = prepared.length;
  let off = 11;
  for (const t of prepared) {
    body.set([0x54, 0x61, 0x72, 0x67, 0x65, 0x74], off); // 'Target'
    body[off + 6] = t.alt;
    view.setUint32(off + 7, t.nameBytes.length > 0 ? 1 : 0, true);
    body.set(t.nameBytes, off + 11);
    view.setUint32(off + 266, t.size, true);
    view.setUint32(off + 270, t.elements.length, true);
    off += 274;
    for (const el of t.elements) {
      view.setUint32(off, el.address, true);
      view.setUint32(off + 4, el.data.length, true);
      body.set(el.data, off + 8);
      off += 8 + el.data.length;
    }
  }
  return appendDfuSuffix(body, { bcdDevice, idProduct, idVendor, bcdDFU: 0x011a });
}
