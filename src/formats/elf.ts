/**
 * ELF32 little-endian executables (System V ABI): the flash image is the file
 * bytes of every PT_LOAD program header, placed at its physical address
 * (p_paddr, the load address: .data's initial values live in flash, not at
 * their RAM address). Segments with no file bytes (.bss) hold nothing to
 * flash; a PT_LOAD with more file bytes than memory bytes is malformed.
 * Section headers are not used: Keil AXF files keep RW data inside the flash
 * PT_LOAD while the RW section names a RAM address.
 */
import { hex32 } from '../shared/errors.js';
import type { FirmwareImage } from './image.js';
import { formatError, type ParseOptions } from './format-error.js';
import { buildSegments, type Piece } from './segments.js';

const FORMAT = 'elf';
const ELF32_HEADER_SIZE = 52;
const ELF32_PHDR_SIZE = 32;
const PT_LOAD = 1;
const ET_REL = 1;
const PN_XNUM = 0xffff;

export function parseElf(bytes: Uint8Array, options: ParseOptions = {}): FirmwareImage {
  const fail = (where: string | undefined, what: string, hint: string, details?: Record<string, unknown>) => formatError(FORMAT, options, { where, what, hint, details });
  const damaged = 'the file is truncated or damaged; rebuild it';
  const n = bytes.length;

  if (n < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw fail('offset 0', 'does not start with the ELF magic 7f 45 4c 46', 'this is not an ELF file; choose the right format', { reason: 'wrong-format' });
  }
  if (n < 16) throw fail(undefined, `truncated ELF identification: ${n} bytes, expected 16`, damaged);
  const cls = bytes[4]!;
  if (cls === 2) {
    throw fail('offset 4 (EI_CLASS)', '64-bit ELF (ELFCLASS64) is not supported, expected a 32-bit ELF (ELFCLASS32)', 'flash the firmware built for the microcontroller (a 32-bit ELF), not a host program');
  }
  if (cls !== 1) throw fail('offset 4 (EI_CLASS)', `EI_CLASS is ${cls}, expected 1 (ELFCLASS32)`, damaged);
  const order = bytes[5]!;
  if (order === 2) {
    throw fail('offset 5 (EI_DATA)', 'big-endian ELF (ELFDATA2MSB) is not supported, expected little-endian (ELFDATA2LSB)', 'convert the file to Intel HEX or raw binary (objcopy -O ihex) and flash that');
  }
  if (order !== 1) throw fail('offset 5 (EI_DATA)', `EI_DATA is ${order}, expected 1 (ELFDATA2LSB, little-endian)`, damaged);
  if (n < ELF32_HEADER_SIZE) throw fail(undefined, `truncated ELF header: ${n} bytes, expected ${ELF32_HEADER_SIZE}`, damaged);

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);

  const type = u16(16);
  if (type === ET_REL) {
    throw fail('offset 16 (e_type)', 'this is a relocatable object file (ET_REL) with no program headers', 'flash the linked executable (the .elf the linker writes), not an object file');
  }
  const entry = u32(24);
  const phoff = u32(28);
  const phentsize = u16(42);
  const phnum = u16(44);
  if (phnum === 0) throw fail('offset 44 (e_phnum)', 'no program headers (e_phnum is 0): nothing to flash', 'flash the linked executable, not an object or debug-only file');
  if (phnum === PN_XNUM) throw fail('offset 44 (e_phnum)', 'extended program header numbering (PN_XNUM) is not supported', 'convert the file to Intel HEX (objcopy -O ihex) and flash that');
  if (phentsize < ELF32_PHDR_SIZE) {
    throw fail('offset 42 (e_phentsize)', `program header entries are ${phentsize} bytes, expected at least ${ELF32_PHDR_SIZE}`, damaged);
  }
  const tableEnd = phoff + phnum * phentsize;
  if (tableEnd > n) {
    throw fail(
      `offset 28 (e_phoff)`,
      `the program header table (${phnum} × ${phentsize} bytes at offset ${phoff}) ends at offset ${tableEnd}, beyond the end of the file (${n} bytes)`,
      damaged,
    );
  }

  const pieces: Piece[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (u32(at) !== PT_LOAD) continue;
    const offset = u32(at + 4);
    const paddr = u32(at + 12);
    const filesz = u32(at + 16);
    const memsz = u32(at + 20);
    if (filesz === 0) continue;
    const where = `program header ${i} (PT_LOAD at ${hex32(paddr)})`;
    if (filesz > memsz) {
      // The segment occupies p_memsz bytes of memory: more file bytes than that cannot be loaded.
      throw fail(where, `p_filesz is ${filesz} bytes, more than its p_memsz of ${memsz} bytes`, 'the program header is damaged (readelf -l flags it as an error too); rebuild the file');
    }
    if (offset + filesz > n) {
      throw fail(where, `its ${filesz} file bytes at offset ${offset} end at offset ${offset + filesz}, beyond the end of the file (${n} bytes)`, damaged);
    }
    pieces.push({ address: paddr, data: bytes.subarray(offset, offset + filesz), origin: `program header ${i}` });
  }
  if (pieces.length === 0) {
    throw fail(undefined, 'no PT_LOAD program header has file bytes: nothing to flash', 'flash the linked firmware executable; this file has no loadable contents');
  }
  return { format: FORMAT, segments: buildSegments(pieces, FORMAT, options), addressed: true, startAddress: entry };
}
