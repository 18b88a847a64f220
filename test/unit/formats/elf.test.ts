import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseElf } from '../../../src/formats/elf.js';
import { parseIntelHex } from '../../../src/formats/ihex.js';
import { buildElf32 } from './elf-builder.js';
import { expectFormatError, fixture, fromHex, plainSegments } from './helpers.js';
import { assertMessageStyle } from '../../support/message-style.js';

const d = (hex: string) => fromHex(hex);

describe('parseElf', () => {
  test('GNU ld output: PT_LOADs at their physical address, like objcopy -O ihex / -O binary', () => {
    const image = parseElf(fixture('firmware-elf32.elf'));
    assert.equal(image.format, 'elf');
    assert.equal(image.addressed, true);
    assert.equal(image.startAddress, 0x08000000);
    assert.deepEqual(image.segments.map((s) => [s.address, s.data]), [[0x08000000, fixture('firmware-elf32.bin')]]);
    assert.deepEqual(image.segments, parseIntelHex(fixture('firmware-elf32.hex')).segments);
  });

  test('uses p_paddr, skips filesz 0 and non-PT_LOAD headers', () => {
    const image = parseElf(
      buildElf32({
        entry: 0x08000101,
        phdrs: [
          { paddr: 0x08000000, data: d('00112233') },
          { paddr: 0x08000004, vaddr: 0x20000000, data: d('4455') }, // .data: LMA != VMA
          { paddr: 0x20000100, data: new Uint8Array(0), memsz: 0x40 }, // .bss
          { paddr: 0x08000200, vaddr: 0x20000200, data: new Uint8Array(0), memsz: 4 }, // paddr differs, nothing to flash
          { type: 0x70000001, paddr: 0x09000000, data: d('ffff') }, // PT_ARM_EXIDX-like, not PT_LOAD
          { type: 4, paddr: 0, data: d('eeee') }, // PT_NOTE
        ],
      }),
    );
    assert.deepEqual(plainSegments(image.segments), [{ address: '0x08000000', data: '001122334455' }]);
    assert.equal(image.startAddress, 0x08000101);
  });

  test('p_filesz equal to p_memsz, or smaller (.bss after .data), is fine; a non-PT_LOAD header is not checked', () => {
    const image = parseElf(
      buildElf32({
        phdrs: [
          { paddr: 0x08000000, data: d('0011'), memsz: 2 },
          { paddr: 0x08000002, data: d('2233'), memsz: 0x100 },
          { type: 4, paddr: 0, data: d('ee'), memsz: 0 },
        ],
      }),
    );
    assert.deepEqual(plainSegments(image.segments), [{ address: '0x08000000', data: '00112233' }]);
  });

  test('a bigger e_phentsize is honoured', () => {
    const image = parseElf(buildElf32({ phentsize: 40, phdrs: [{ paddr: 0x100, data: d('0102') }, { paddr: 0x200, data: d('03') }] }));
    assert.deepEqual(plainSegments(image.segments), [
      { address: '0x00000100', data: '0102' },
      { address: '0x00000200', data: '03' },
    ]);
  });

  const one = { paddr: 0x08000000, data: d('00112233') };
  const valid = buildElf32({ phdrs: [one] });
  const bad: { name: string; bytes: Uint8Array; patterns: string[] }[] = [
    { name: 'not ELF', bytes: d('7f454c00'), patterns: ['fw.elf: offset 0: does not start with the ELF magic 7f 45 4c 46'] },
    { name: 'empty', bytes: new Uint8Array(0), patterns: ['does not start with the ELF magic'] },
    { name: 'truncated identification', bytes: valid.subarray(0, 10), patterns: ['fw.elf: truncated ELF identification: 10 bytes, expected 16'] },
    { name: 'truncated header', bytes: valid.subarray(0, 40), patterns: ['fw.elf: truncated ELF header: 40 bytes, expected 52'] },
    { name: '64-bit (hand-made)', bytes: buildElf32({ elfClass: 2, phdrs: [one] }), patterns: ['offset 4 (EI_CLASS): 64-bit ELF (ELFCLASS64) is not supported, expected a 32-bit ELF'] },
    { name: '64-bit (GNU ld x86-64)', bytes: fixture('firmware-elf64.elf'), patterns: ['64-bit ELF (ELFCLASS64) is not supported'] },
    { name: 'big-endian (hand-made)', bytes: buildElf32({ dataEncoding: 2, phdrs: [one] }), patterns: ['offset 5 (EI_DATA): big-endian ELF (ELFDATA2MSB) is not supported'] },
    { name: 'big-endian (objcopy elf32-big)', bytes: fixture('pattern-100_elf32-big.o'), patterns: ['big-endian ELF (ELFDATA2MSB) is not supported'] },
    { name: 'bad EI_CLASS', bytes: buildElf32({ elfClass: 3, phdrs: [one] }), patterns: ['EI_CLASS is 3, expected 1 (ELFCLASS32)'] },
    { name: 'bad EI_DATA', bytes: buildElf32({ dataEncoding: 0, phdrs: [one] }), patterns: ['EI_DATA is 0, expected 1'] },
    { name: 'relocatable object (objcopy)', bytes: fixture('pattern-100_elf32-little.o'), patterns: ['offset 16 (e_type): this is a relocatable object file (ET_REL)'] },
    { name: 'no program headers', bytes: buildElf32({ phdrs: [] }), patterns: ['offset 44 (e_phnum): no program headers (e_phnum is 0)'] },
    { name: 'PN_XNUM', bytes: buildElf32({ phdrs: [one], phnum: 0xffff }), patterns: ['extended program header numbering (PN_XNUM) is not supported'] },
    { name: 'small e_phentsize', bytes: buildElf32({ phdrs: [one], phentsize: 16 }), patterns: ['offset 42 (e_phentsize): program header entries are 16 bytes, expected at least 32'] },
    {
      name: 'program header table beyond the file',
      bytes: buildElf32({ phdrs: [one], phoff: 80 }),
      patterns: ['offset 28 (e_phoff): the program header table (1 × 32 bytes at offset 80) ends at offset 112, beyond the end of the file (88 bytes)'],
    },
    {
      name: 'segment beyond the file',
      bytes: buildElf32({ phdrs: [{ paddr: 0x08000000, data: d('00112233'), filesz: 5 }] }),
      patterns: ['fw.elf: program header 0 (PT_LOAD at 0x08000000): its 5 file bytes at offset 84 end at offset 89, beyond the end of the file (88 bytes)'],
    },
    {
      name: 'segment offset far beyond the file',
      bytes: buildElf32({ phdrs: [{ paddr: 0x08000000, data: d('00'), offset: 0xfffffff0, filesz: 0x20 }] }),
      patterns: ['program header 0 (PT_LOAD at 0x08000000): its 32 file bytes at offset 4294967280'],
    },
    {
      name: 'overlapping PT_LOADs',
      bytes: buildElf32({ phdrs: [{ paddr: 0x08000000, data: d('0011223344') }, { type: 4, paddr: 0 }, { paddr: 0x08000004, data: d('55') }] }),
      patterns: ['fw.elf: 0x08000004-0x08000004 (program header 2) overlaps 0x08000000-0x08000004 (program header 0)'],
    },
    {
      name: 'p_filesz larger than p_memsz',
      bytes: buildElf32({ phdrs: [{ paddr: 0x08000000, data: d('00112233'), memsz: 3 }] }),
      patterns: ['fw.elf: program header 0 (PT_LOAD at 0x08000000): p_filesz is 4 bytes, more than its p_memsz of 3 bytes'],
    },
    {
      name: 'p_memsz 0 with file bytes (the second PT_LOAD)',
      bytes: buildElf32({ phdrs: [one, { paddr: 0x08000100, data: d('4455'), memsz: 0 }] }),
      patterns: ['fw.elf: program header 1 (PT_LOAD at 0x08000100): p_filesz is 2 bytes, more than its p_memsz of 0 bytes'],
    },
    { name: 'nothing loadable', bytes: buildElf32({ phdrs: [{ paddr: 0x20000000, memsz: 16 }] }), patterns: ['no PT_LOAD program header has file bytes: nothing to flash'] },
    { name: 'segment past 4 GiB', bytes: buildElf32({ phdrs: [{ paddr: 0xfffffffe, data: d('001122') }] }), patterns: ['program header 0: data at 0xfffffffe (3 bytes) runs past the end of the 32-bit address space'] },
  ];
  for (const c of bad) {
    test(`FORMAT error: ${c.name}`, () => {
      const e = expectFormatError(() => parseElf(c.bytes, { fileName: 'fw.elf' }), ...c.patterns);
      assert.ok(e.message.startsWith('fw.elf: '));
      assert.ok(e.hint !== undefined && e.hint !== '');
      assert.equal(e.details.format, 'elf');
      assertMessageStyle(e, 'fw.elf');
    });
  }

  test('works on a view into a larger buffer (byteOffset ≠ 0)', () => {
    const file = buildElf32({ phdrs: [one] });
    const padded = new Uint8Array(file.length + 7);
    padded.set(file, 3);
    assert.deepEqual(plainSegments(parseElf(padded.subarray(3, 3 + file.length)).segments), [{ address: '0x08000000', data: '00112233' }]);
  });
});
