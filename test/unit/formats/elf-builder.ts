/**
 * Test-only: write small ELF32 files with chosen program headers, so each
 * malformation can be made on purpose (offsets and sizes can be overridden).
 */
export interface TestPhdr {
  type?: number; // PT_LOAD (1) by default
  paddr: number;
  vaddr?: number; // = paddr by default
  data?: Uint8Array; // placed after the program header table
  /** Override p_offset / p_filesz (default: where `data` was placed / its length). */
  offset?: number;
  filesz?: number;
  memsz?: number;
}

export interface TestElf {
  phdrs: TestPhdr[];
  entry?: number;
  elfClass?: number; // EI_CLASS, 1 by default
  dataEncoding?: number; // EI_DATA, 1 by default
  type?: number; // e_type, ET_EXEC (2) by default
  phentsize?: number; // 32 by default
  phoff?: number; // 52 by default
  phnum?: number; // phdrs.length by default
}

export function buildElf32(spec: TestElf): Uint8Array {
  const phentsize = spec.phentsize ?? 32;
  const phoff = spec.phoff ?? 52;
  const tableEnd = 52 + spec.phdrs.length * Math.max(phentsize, 32);
  const dataLength = spec.phdrs.reduce((n, p) => n + (p.data?.length ?? 0), 0);
  const out = new Uint8Array(tableEnd + dataLength);
  const v = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, spec.elfClass ?? 1, spec.dataEncoding ?? 1, 1], 0);
  v.setUint16(16, spec.type ?? 2, true);
  v.setUint16(18, 40, true); // EM_ARM
  v.setUint32(20, 1, true);
  v.setUint32(24, spec.entry ?? 0, true);
  v.setUint32(28, phoff, true);
  v.setUint16(40, 52, true);
  v.setUint16(42, phentsize, true);
  v.setUint16(44, spec.phnum ?? spec.phdrs.length, true);
  let dataAt = tableEnd;
  spec.phdrs.forEach((p, i) => {
    const at = 52 + i * Math.max(phentsize, 32);
    const data = p.data ?? new Uint8Array(0);
    out.set(data, dataAt);
    v.setUint32(at, p.type ?? 1, true);
    v.setUint32(at + 4, p.offset ?? dataAt, true);
    v.setUint32(at + 8, p.vaddr ?? p.paddr, true);
    v.setUint32(at + 12, p.paddr, true);
    v.setUint32(at + 16, p.filesz ?? data.length, true);
    v.setUint32(at + 20, p.memsz ?? p.filesz ?? data.length, true);
    v.setUint32(at + 24, 5, true);
    v.setUint32(at + 28, 4, true);
    dataAt += data.length;
  });
  return out;
}
