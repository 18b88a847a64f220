/**
 * Bad input never reaches the device: every malformed file, option and
 * placement below is refused through the CLI (run() in-process, simulated
 * devices on a FakeClock) with its exact error code and exit status, a message
 * that says what is wrong and a hint that says what to do — and not one DFU
 * class request (bmRequestType 0x21/0xA1) reaches the device; nothing is
 * erased, nothing written.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { run } from '../../src/cli/main.js';
import { appendDfuSuffix } from '../../src/formats/dfu-suffix.js';
import { createSimBackend } from '../../src/sim/index.js';
import { FakeClock } from '../../src/transport/clock.js';
import type { ErrorCode } from '../../src/shared/errors.js';
import { Bench, dfuClass, lastJson, memoryIo, pattern, tempDir, writeIn } from './helpers.js';
import { DATA16, DFUSE, dfuse, elf, hexLines, ihex, le32, patch, srec, srecLines, suffixed, text } from './malformed.js';

interface Row {
  name: string;
  /** argv without --json; file names are relative to the run's folder. */
  args: string[];
  files?: Record<string, Uint8Array | string>;
  profile?: string;
  code: ErrorCode;
  exit: number;
  message: RegExp;
  hint: RegExp;
}

const FW = pattern(3000, 7);
const dl = (file: string, ...opts: string[]): string[] => ['download', '-a', '0', ...opts, file];
const hexWith = (i: number, line: string): string => text(hexLines().map((l, j) => (j === i ? line : l)));
const srecWith = (i: number, line: string | undefined): string =>
  text(srecLines().flatMap((l, j) => (j === i ? (line === undefined ? [] : [line]) : [l])));
const DAMAGED = /damaged|re-export|objcopy|rebuild|build/i;

const INTEL_HEX: Row[] = [
  { name: 'HEX: bad checksum', args: dl('a.hex'), files: { 'a.hex': hexWith(1, ihex(0, 0, DATA16, 0x12)) }, code: 'FORMAT', exit: 65, message: /line 2: checksum is 0x12, expected 0x/, hint: DAMAGED },
  { name: 'HEX: unknown record type 06', args: dl('a.hex'), files: { 'a.hex': hexWith(1, ihex(6, 0, DATA16)) }, code: 'FORMAT', exit: 65, message: /line 2: unknown record type 0x06, expected 00-05/, hint: /vendor extension|damaged/ },
  { name: 'HEX: odd number of hex digits', args: dl('a.hex'), files: { 'a.hex': hexWith(1, ihex(0, 0, DATA16) + '0') }, code: 'FORMAT', exit: 65, message: /line 2: odd number of hex digits \(43\)/, hint: /re-export/ },
  { name: 'HEX: missing end-of-file record', args: dl('a.hex'), files: { 'a.hex': text(hexLines().slice(0, 3)) }, code: 'FORMAT', exit: 65, message: /after line 3: missing end-of-file record/, hint: /truncated/ },
  { name: 'HEX: truncated in the middle of a record', args: dl('a.hex'), files: { 'a.hex': text(hexLines()).slice(0, 40) }, code: 'FORMAT', exit: 65, message: /line 2: odd number of hex digits \(23\)/, hint: /cut short/ },
  { name: 'HEX: non-hex character', args: dl('a.hex'), files: { 'a.hex': hexWith(1, ihex(0, 0, DATA16).replace(/^(:.{11})./, '$1G')) }, code: 'FORMAT', exit: 65, message: /line 2, column 13: "G" is not a hex digit/, hint: DAMAGED },
  { name: 'HEX: byte count larger than the record', args: dl('a.hex'), files: { 'a.hex': hexWith(1, ':20' + ihex(0, 0, DATA16).slice(3)) }, code: 'FORMAT', exit: 65, message: /line 2: byte count says 32 data bytes, but the record holds 16/, hint: DAMAGED },
  { name: 'HEX: a line without the colon', args: dl('a.hex'), files: { 'a.hex': hexWith(2, ihex(0, 0x10, DATA16).slice(1)) }, code: 'FORMAT', exit: 65, message: /line 3: expected ':' at the start of a record/, hint: DAMAGED },
  { name: 'HEX: extended linear address of 1 byte', args: dl('a.hex'), files: { 'a.hex': hexWith(0, ihex(4, 0, [0x08])) }, code: 'FORMAT', exit: 65, message: /line 1: extended linear address record \(type 04\) must carry 2 data bytes, this one has 1/, hint: DAMAGED },
  { name: 'HEX: records after the end-of-file record', args: dl('a.hex'), files: { 'a.hex': text([...hexLines(), ihex(0, 0x20, DATA16)]) }, code: 'FORMAT', exit: 65, message: /line 5: a record follows the end-of-file record of line 4/, hint: /first :00000001FF/ },
  { name: 'HEX: two records for the same bytes, different data', args: dl('a.hex'), files: { 'a.hex': text([...hexLines().slice(0, 3), ihex(0, 0x08, DATA16.map((b) => b ^ 0xff)), ihex(1, 0, [])]) }, code: 'FORMAT', exit: 65, message: /0x08000008-0x08000017 \(line 4\) overlaps 0x08000000-0x0800000f \(line 2\)/, hint: /each byte has one value/ },
  { name: 'HEX: an empty file', args: dl('a.hex'), files: { 'a.hex': '' }, code: 'FORMAT', exit: 65, message: /empty/, hint: /build/ },
  { name: 'HEX: blank lines only', args: dl('a.hex'), files: { 'a.hex': '\n\n\n' }, code: 'FORMAT', exit: 65, message: /the file holds no records/, hint: /truncated/ },
  { name: 'HEX text named .bin', args: dl('a.bin', '-s', '0x08000000'), files: { 'a.bin': text(hexLines()) }, code: 'FORMAT', exit: 65, message: /named \.bin but holds Intel HEX text/, hint: /rename it to \.hex/ },
];

const S_RECORDS: Row[] = [
  { name: 'S-record: bad checksum', args: dl('a.srec'), files: { 'a.srec': srecWith(1, srec(3, 0x08000000, 4, DATA16, { checksum: 0x00 })) }, code: 'FORMAT', exit: 65, message: /line 2: checksum/, hint: DAMAGED },
  { name: 'S-record: S5 count does not match the data records', args: dl('a.srec'), files: { 'a.srec': srecWith(3, srec(5, 3, 2, [])) }, code: 'FORMAT', exit: 65, message: /line 4: S5 record counts 3 data records, but 2 precede it/, hint: /lost or duplicated/ },
  { name: 'S-record: byte count field too large', args: dl('a.srec'), files: { 'a.srec': srecWith(1, srec(3, 0x08000000, 4, DATA16, { count: 0x30 })) }, code: 'FORMAT', exit: 65, message: /line 2: byte count says 48 bytes follow, but the record holds 21/, hint: DAMAGED },
  { name: 'S-record: reserved type S4', args: dl('a.srec'), files: { 'a.srec': srecWith(1, srec(4, 0x08000000, 4, DATA16)) }, code: 'FORMAT', exit: 65, message: /line 2: record type S4 is reserved/, hint: DAMAGED },
  { name: 'S-record: odd number of hex digits', args: dl('a.srec'), files: { 'a.srec': srecWith(1, srec(3, 0x08000000, 4, DATA16) + 'F') }, code: 'FORMAT', exit: 65, message: /line 2: odd number of hex digits \(45\)/, hint: /re-export/ },
  { name: 'S-record: non-hex character', args: dl('a.srec'), files: { 'a.srec': srecWith(2, srec(3, 0x08000010, 4, DATA16).replace(/^(S3.{9})./, '$1Z')) }, code: 'FORMAT', exit: 65, message: /line 3, column 12: "Z" is not a hex digit/, hint: DAMAGED },
  { name: 'S-record text named .bin', args: dl('a.bin', '-s', '0x08000000'), files: { 'a.bin': text(srecLines()) }, code: 'FORMAT', exit: 65, message: /named \.bin but holds Motorola S-record text/, hint: /rename it to \.srec/ },
];

const ELF: Row[] = [
  { name: 'ELF: truncated header', args: dl('a.elf'), files: { 'a.elf': elf().subarray(0, 30) }, code: 'FORMAT', exit: 65, message: /truncated ELF header: 30 bytes, expected 52/, hint: /rebuild/ },
  { name: 'ELF: 64-bit', args: dl('a.elf'), files: { 'a.elf': elf({ elfClass: 2 }) }, code: 'FORMAT', exit: 65, message: /64-bit ELF \(ELFCLASS64\) is not supported/, hint: /32-bit ELF/ },
  { name: 'ELF: big-endian', args: dl('a.elf'), files: { 'a.elf': elf({ dataEncoding: 2 }) }, code: 'FORMAT', exit: 65, message: /big-endian ELF \(ELFDATA2MSB\) is not supported/, hint: /objcopy -O ihex/ },
  { name: 'ELF: segment data beyond the end of the file', args: dl('a.elf'), files: { 'a.elf': elf({ phdrs: [{ paddr: 0x08000000, data: Uint8Array.from(DATA16), filesz: 4096 }] }) }, code: 'FORMAT', exit: 65, message: /program header 0 \(PT_LOAD at 0x08000000\): its 4096 file bytes at offset 84 end at offset 4180, beyond the end of the file \(100 bytes\)/, hint: /rebuild/ },
  { name: 'ELF: program header table beyond the end of the file', args: dl('a.elf'), files: { 'a.elf': elf({ phoff: 4000 }) }, code: 'FORMAT', exit: 65, message: /the program header table \(1 × 32 bytes at offset 4000\) ends at offset 4032, beyond the end of the file/, hint: /rebuild/ },
  { name: 'ELF: program header entries of 16 bytes', args: dl('a.elf'), files: { 'a.elf': elf({ phentsize: 16 }) }, code: 'FORMAT', exit: 65, message: /program header entries are 16 bytes, expected at least 32/, hint: /rebuild/ },
  { name: 'ELF: PT_LOAD with p_filesz > p_memsz (p_memsz 0)', args: dl('a.elf'), files: { 'a.elf': elf({ phdrs: [{ paddr: 0x08000000, data: Uint8Array.from(DATA16), memsz: 0 }] }) }, code: 'FORMAT', exit: 65, message: /a\.elf: program header 0 \(PT_LOAD at 0x08000000\): p_filesz is 16 bytes, more than its p_memsz of 0 bytes$/, hint: /readelf/ },
  { name: 'ELF: nothing loadable', args: dl('a.elf'), files: { 'a.elf': elf({ phdrs: [{ type: 4, paddr: 0x08000000, data: Uint8Array.from(DATA16) }] }) }, code: 'FORMAT', exit: 65, message: /no PT_LOAD program header has file bytes/, hint: /no loadable contents/ },
  { name: 'ELF: two segments over the same bytes', args: dl('a.elf'), files: { 'a.elf': elf({ phdrs: [{ paddr: 0x08000000, data: Uint8Array.from(DATA16) }, { paddr: 0x08000008, data: Uint8Array.from(DATA16).reverse() }] }) }, code: 'FORMAT', exit: 65, message: /0x08000008-0x08000017 \(program header 1\) overlaps 0x08000000-0x0800000f \(program header 0\)/, hint: /each byte has one value/ },
];

const base = dfuse();
const DFU_FILES: Row[] = [
  { name: '.dfu: DFUImageSize does not match the file', args: dl('a.dfu'), files: { 'a.dfu': patch(base, DFUSE.imageSize, le32(base.length + 100)) }, code: 'FORMAT', exit: 65, message: /DFUImageSize is 425, expected 309 \(file length without the suffix\) or 325/, hint: /truncated or damaged/ },
  { name: '.dfu: prefix version 2', args: dl('a.dfu'), files: { 'a.dfu': patch(base, DFUSE.version, [2]) }, code: 'FORMAT', exit: 65, message: /DfuSe version is 2, expected 1/, hint: /not supported/ },
  { name: '.dfu: bTargets says 2, the file holds 1', args: dl('a.dfu'), files: { 'a.dfu': patch(base, DFUSE.targets, [2]) }, code: 'FORMAT', exit: 65, message: /target 1 at offset 309: its 274-byte header runs past the end of the image data.*bTargets is 2/, hint: /truncated or damaged/ },
  { name: '.dfu: bTargets 0', args: dl('a.dfu'), files: { 'a.dfu': patch(base, DFUSE.targets, [0]) }, code: 'FORMAT', exit: 65, message: /bTargets is 0: the file holds no target$/, hint: /at least one target/ },
  { name: ".dfu: target without its 'Target' signature", args: dl('a.dfu'), files: { 'a.dfu': patch(base, DFUSE.targetSignature, [...Buffer.from('Tarjet')]) }, code: 'FORMAT', exit: 65, message: /expected the signature "Target", found "Tarjet"/, hint: /truncated or damaged/ },
  { name: '.dfu: element larger than the file', args: dl('a.dfu'), files: { 'a.dfu': patch(base, DFUSE.elementSize, le32(0x10000)) }, code: 'FORMAT', exit: 65, message: /target 0 element 0 at offset 285: dwElementSize is 65536, but only 16 bytes of image data follow/, hint: /truncated or damaged/ },
  { name: '.dfu: dwTargetSize does not match its elements', args: dl('a.dfu'), files: { 'a.dfu': patch(base, DFUSE.targetSize, le32(8)) }, code: 'FORMAT', exit: 65, message: /dwTargetSize is 8, but its 1 element\(s\) take 24 bytes/, hint: /truncated or damaged/ },
  { name: '.dfu: a data byte changed (suffix CRC)', args: dl('a.dfu'), files: { 'a.dfu': patch(base, DFUSE.data, [base[DFUSE.data]! ^ 1], false) }, code: 'FORMAT', exit: 65, message: /dwCRC is 0x[0-9a-f]{8}, expected 0x[0-9a-f]{8} \(CRC of the first 321 bytes\)/, hint: /re-create the suffix/ },
  { name: '.dfu: truncated by 20 bytes', args: dl('a.dfu'), files: { 'a.dfu': base.subarray(0, base.length - 20) }, code: 'FORMAT', exit: 65, message: /no DFU suffix: a DfuSe file ends with a 16-byte suffix signed 'UFD'/, hint: /truncated or damaged/ },
  { name: '.dfu named file that is neither DfuSe nor suffixed', args: dl('a.dfu'), files: { 'a.dfu': FW }, code: 'FORMAT', exit: 65, message: /neither a DfuSe prefix nor a DFU suffix/, hint: /--format bin/ },
  { name: '.dfu with -s ADDR', args: dl('a.dfu', '-s', '0x08000000'), files: { 'a.dfu': base }, code: 'USAGE', exit: 64, message: /is a DfuSe file: its addresses come from the file, so the address 0x08000000 does not apply/, hint: /drop the address from -s/ },
  { name: '.dfu whose suffix names another device', args: dl('a.dfu'), files: { 'a.dfu': dfuse(0x08000000, Uint8Array.from(DATA16), [0x1209, 0xdb42]) }, code: 'IMAGE_MISMATCH', exit: 78, message: /1209:db42/, hint: /--ignore-suffix/ },
  { name: '.dfu for 0x20000000 (RAM, not in the layout)', args: dl('a.dfu'), files: { 'a.dfu': dfuse(0x20000000) }, code: 'DOES_NOT_FIT', exit: 78, message: /image 0x20000000-0x2000000f \(16 bytes\) does not fit the memory layout "Internal Flash" \(0x08000000-0x080fffff\)/, hint: /-s ADDR and the alt setting/ },
];

const SUFFIX: Row[] = [
  { name: 'suffix: wrong CRC', args: dl('a.bin', '-s', '0x08000000'), files: { 'a.bin': patch(suffixed(FW), FW.length + 14, [0]) .map((b, i, a) => (i === a.length - 1 ? b ^ 0x5a : b)) }, code: 'FORMAT', exit: 65, message: /dwCRC is 0x[0-9a-f]{8}, expected 0x[0-9a-f]{8} \(CRC of the first 3012 bytes\)/, hint: /re-create the suffix/ },
  { name: 'suffix: bLength 15', args: dl('a.bin', '-s', '0x08000000'), files: { 'a.bin': patch(suffixed(FW), FW.length + 11, [15]) }, code: 'FORMAT', exit: 65, message: /bLength is 15, expected at least 16/, hint: /damaged/ },
  { name: 'suffix: bLength 255 (longer than the file)', args: dl('a.bin', '-s', '0x08000000'), files: { 'a.bin': patch(suffixed(Uint8Array.of(1, 2, 3)), 3 + 11, [255]) }, code: 'FORMAT', exit: 65, message: /bLength is 255 but the file has only 19 bytes/, hint: /damaged/ },
  { name: 'suffix: another VID:PID', args: dl('a.bin', '-s', '0x08000000'), files: { 'a.bin': suffixed(FW, [0x1209, 0xdb42]) }, code: 'IMAGE_MISMATCH', exit: 78, message: /1209:db42/, hint: /--ignore-suffix/ },
  { name: 'suffix: another VID:PID on a DFU 1.1 device', profile: 'dapboot', args: ['download', 'a.bin'], files: { 'a.bin': suffixed(FW, [0x0483, 0xdf11]) }, code: 'IMAGE_MISMATCH', exit: 78, message: /0483:df11/, hint: /--ignore-suffix/ },
];

const PLACEMENT: Row[] = [
  { name: 'image larger than the flash (1 MiB + 1)', args: dl('big.bin', '-s', '0x08000000'), files: { 'big.bin': pattern(1024 * 1024 + 1, 2) }, code: 'DOES_NOT_FIT', exit: 78, message: /image 0x08000000-0x08100000 \(1048577 bytes\) does not fit .*0x08100000 is outside it/, hint: /-s ADDR/ },
  { name: 'image running past the end of the flash', args: dl('fw.bin', '-s', '0x080ff000'), files: { 'fw.bin': pattern(8192, 3) }, code: 'DOES_NOT_FIT', exit: 78, message: /image 0x080ff000-0x08100fff \(8192 bytes\) does not fit .*0x08100000 is outside it/, hint: /-s ADDR/ },
  { name: 'address outside the layout (RAM)', args: dl('fw.bin', '-s', '0x20000000'), files: { 'fw.bin': FW }, code: 'DOES_NOT_FIT', exit: 78, message: /image 0x20000000-0x20000bb7 \(3000 bytes\) does not fit .*0x20000000 is outside it/, hint: /-s ADDR/ },
  { name: 'address below the layout', args: dl('fw.bin', '-s', '0x07fff000'), files: { 'fw.bin': FW }, code: 'DOES_NOT_FIT', exit: 78, message: /0x07fff000 is outside it/, hint: /-s ADDR/ },
  { name: 'HEX outside the layout', args: dl('a.hex'), files: { 'a.hex': text(hexLines(0x2000)) }, code: 'DOES_NOT_FIT', exit: 78, message: /image 0x20000000-0x2000001f \(32 bytes\) does not fit/, hint: /-s ADDR/ },
  { name: 'CubeMX: the read-only bootloader sectors at 0x08000000', profile: 'stm32f1-cubemx', args: dl('fw.bin', '-s', '0x08000000'), files: { 'fw.bin': FW }, code: 'NOT_WRITABLE', exit: 78, message: /sector 0x08000000 \(16 KiB, type 'a' = read-only\) of "Internal Flash" is not writable; the image writes 0x08000000-0x08000bb7 there/, hint: /-s 0x08008000/ },
  { name: 'CubeMX: an image reaching into the read-only sectors', profile: 'stm32f1-cubemx', args: dl('fw.bin', '-s', '0x08007000'), files: { 'fw.bin': pattern(8192, 4) }, code: 'NOT_WRITABLE', exit: 78, message: /sector 0x08004000 .* the image writes 0x08007000-0x08007fff there/, hint: /-s 0x08008000/ },
  { name: 'CubeMX: ELF linked for 0x08000000', profile: 'stm32f1-cubemx', args: dl('a.elf'), files: { 'a.elf': elf() }, code: 'NOT_WRITABLE', exit: 78, message: /sector 0x08000000 .* the image writes 0x08000000-0x0800000f there/, hint: /0x08008000/ },
  { name: 'option bytes: 17 bytes into a 16-byte region', args: ['download', '-a', '1', '-s', '0x1fffc000', 'ob.bin'], files: { 'ob.bin': pattern(17, 5) }, code: 'DOES_NOT_FIT', exit: 78, message: /image 0x1fffc000-0x1fffc010 \(17 bytes\) does not fit the memory layout "Option Bytes" \(0x1fffc000-0x1fffc00f\)/, hint: /alt setting/ },
  { name: 'CubeMX: HEX for the second read-only sector', profile: 'stm32f1-cubemx', args: dl('a.hex'), files: { 'a.hex': text([ihex(4, 0, [0x08, 0x00]), ihex(0, 0x4000, DATA16), ihex(1, 0, [])]) }, code: 'NOT_WRITABLE', exit: 78, message: /0x08004000/, hint: /0x08008000/ },
  { name: 'raw binary without an address on a DfuSe device', args: dl('fw.bin'), files: { 'fw.bin': FW }, code: 'USAGE', exit: 64, message: /raw binary needs an address/, hint: /-s 0x08000000/ },
  { name: 'HEX with an -s address', args: dl('a.hex', '-s', '0x08000000'), files: { 'a.hex': text(hexLines()) }, code: 'USAGE', exit: 64, message: /carries its own addresses/, hint: /drop the address/ },
  { name: '-s on a DFU 1.1 device', profile: 'dapboot', args: ['download', '-s', '0x08002000', 'fw.bin'], files: { 'fw.bin': FW }, code: 'USAGE', exit: 64, message: /a DfuSe address or modifier was given, but this device speaks plain DFU 1\.1/, hint: /drop -s/ },
  { name: 'an empty file', args: dl('fw.bin', '-s', '0x08000000'), files: { 'fw.bin': new Uint8Array(0) }, code: 'FORMAT', exit: 65, message: /is empty/, hint: /build/ },
  { name: 'a missing file', args: dl('nope.bin', '-s', '0x08000000'), code: 'FILE_NOT_FOUND', exit: 66, message: /nope\.bin not found/, hint: /check the path/ },
  { name: 'a directory as the firmware file', args: dl('sub', '-s', '0x08000000'), files: { 'sub/x': 'x' }, code: 'FILE_NOT_FOUND', exit: 66, message: /firmware file sub is a directory/, hint: /path of a firmware file/ },
  { name: '-s …:unprotect:force with a file', args: dl('fw.bin', '-s', '0x08000000:unprotect:force'), files: { 'fw.bin': FW }, code: 'USAGE', exit: 64, message: /unprotect cannot be combined with a download/, hint: /-s :unprotect:force, no file/ },
  { name: 'a .dfu target for an alt the device lacks', args: ['download', 'a.dfu'], files: { 'a.dfu': patch(base, DFUSE.targetAlt, [7]) }, code: 'NO_DEVICE', exit: 69, message: /alt setting 7/, hint: /this device/ },
];

/**
 * A file with nothing to flash gets one answer from every command that reads
 * it as firmware (exit 65 and the same message), and dfu-flash never writes
 * one: `suffix add` refuses an empty file, `suffix remove` a file that is only
 * a suffix.
 */
const NO_DATA_HINT = /^check that the build produced the firmware/;
const NOTHING_FILES: { file: string; contents: Uint8Array | string; message: RegExp; address?: boolean }[] = [
  { file: 'fw.bin', contents: new Uint8Array(0), message: /(^|\/)fw\.bin is empty$/, address: true },
  { file: 'fw.hex', contents: '', message: /(^|\/)fw\.hex is empty$/ },
  { file: 'fw.hex', contents: text([ihex(4, 0, [0x08, 0x00]), ihex(1, 0, [])]), message: /(^|\/)fw\.hex contains no data to flash \(format Intel HEX: no record carries data bytes\)$/ },
  { file: 'fw.srec', contents: text([srec(0, 0, 2, []), srec(9, 0, 2, [])]), message: /(^|\/)fw\.srec contains no data to flash \(format Motorola S-record: no record carries data bytes\)$/ },
  { file: 'fw.dfu', contents: dfuse(0x08000000, new Uint8Array(0)), message: /(^|\/)fw\.dfu contains no data to flash \(format DfuSe: its one element is empty\)$/ },
  { file: 'fw.dfu', contents: appendDfuSuffix(new Uint8Array(0), { idVendor: 0x0483, idProduct: 0xdf11, bcdDevice: 0, bcdDFU: 0x0100 }), message: /(^|\/)fw\.dfu contains no data to flash \(format raw binary: the file is only a DFU suffix\)$/ },
];
const NOTHING_TO_FLASH: Row[] = [
  ...NOTHING_FILES.flatMap((f, i): Row[] =>
    [
      { verb: 'download', args: f.address === true ? dl(f.file, '-s', '0x08000000') : dl(f.file) },
      { verb: 'info', args: ['info', f.file] },
      { verb: 'convert', args: ['convert', f.file, '-o', 'out.srec'] },
    ].map(({ verb, args }) => ({ name: `nothing to flash ${i}: ${verb} ${f.file}`, args, files: { [f.file]: f.contents }, code: 'FORMAT', exit: 65, message: f.message, hint: NO_DATA_HINT })),
  ),
  { name: 'nothing to flash: suffix add to an empty file', args: ['suffix', 'add', 'fw.bin'], files: { 'fw.bin': new Uint8Array(0) }, code: 'FORMAT', exit: 65, message: /(^|\/)fw\.bin is empty: there is no firmware to add a DFU suffix to$/, hint: NO_DATA_HINT },
  { name: 'nothing to flash: suffix remove from a file that is only a suffix', args: ['suffix', 'remove', 'fw.dfu'], files: { 'fw.dfu': NOTHING_FILES[5]!.contents }, code: 'FORMAT', exit: 65, message: /(^|\/)fw\.dfu is only a DFU suffix \(16 bytes, no firmware before it\): removing it would leave an empty file$/, hint: /check that the build produced the firmware$/ },
];

const BAD_S = [
  '', ':', '0x0800000g', '0x08000000::leave', 'leave', '010', '-1', '+0x08000000', '0x08000000:mass-erase', ':unprotect', '0x08000000:0',
  '0x08000000:leave:leave', '0x08000000:LEAVE', '0x08000000:l', '0x100000000', '0x08000000:4:8', ':8', '0xffffffff:2', '0x08000000:leave:', 'zero', '0x', '8e6',
];
const S_SPECS: Row[] = BAD_S.map((s) => ({
  name: `-s ${JSON.stringify(s)}`,
  args: dl('fw.bin', '-s', s),
  files: { 'fw.bin': FW },
  code: 'BAD_ADDRESS_SPEC' as const,
  exit: 64,
  message: new RegExp(`^bad -s value '${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'`),
  hint: /-s 0x08000000|:force|ADDR/,
}));

const SELECTION: Row[] = [
  ...['xyz', '0483:df11:1', '12345:1', '-', '0483:df11,-', 'a,b,c', '0x0483:0xdf11x'].map((d): Row => ({
    name: `-d ${JSON.stringify(d)}`, args: ['download', '-d', d, '-s', '0x08000000', 'fw.bin'], files: { 'fw.bin': FW }, code: 'USAGE', exit: 64, message: /-d\/--device/, hint: /vid:pid|0483:df11|,vid:pid/,
  })),
  ...['256', '010', ' ', '0x100'].map((a): Row => ({
    name: `-a ${JSON.stringify(a)}`, args: ['download', '-a', a, '-s', '0x08000000', 'fw.bin'], files: { 'fw.bin': FW }, code: 'USAGE', exit: 64, message: /^invalid -a\/--alt value/, hint: /0 to 255|for decimal|alt setting number/,
  })),
  { name: '-a "Flash Memory" (no alt of that name)', args: ['download', '-a', 'Flash Memory', '-s', '0x08000000', 'fw.bin'], files: { 'fw.bin': FW }, code: 'NO_DEVICE', exit: 69, message: /Flash Memory/, hint: /its alt settings are: 0 "@Internal Flash/ },
  ...['0', '65536', 'abc', '010', '-5', '1.5', '0x'].map((t): Row => ({
    name: `-t ${JSON.stringify(t)}`, args: ['download', '-t', t, '-a', '0', '-s', '0x08000000', 'fw.bin'], files: { 'fw.bin': FW }, code: 'USAGE', exit: 64, message: /^invalid -t\/--transfer-size value/, hint: /value from 1 to 65535|decimal number|for decimal/,
  })),
  { name: '-p 1.1', args: ['download', '-p', '1.1', '-s', '0x08000000', 'fw.bin'], files: { 'fw.bin': FW }, code: 'USAGE', exit: 64, message: /-p\/--path/, hint: /list/ },
  { name: '-n 300', args: ['download', '-n', '300', '-s', '0x08000000', 'fw.bin'], files: { 'fw.bin': FW }, code: 'USAGE', exit: 64, message: /-n\/--devnum/, hint: /0 to 255/ },
  { name: '--transfer-timeout 0', args: ['download', '--transfer-timeout', '0', '-s', '0x08000000', 'fw.bin'], files: { 'fw.bin': FW }, code: 'USAGE', exit: 64, message: /invalid --transfer-timeout value "0": out of range/, hint: /1 to 3600000/ },
  { name: '-d for a device that is not there', args: ['download', '-d', '1209:db42', '-s', '0x08000000', 'fw.bin'], files: { 'fw.bin': FW }, code: 'NO_DEVICE', exit: 69, message: /no DFU device matches the selection/, hint: /dfu-flash list/ },
];

const UPLOADS: Row[] = [
  { name: 'upload: the output file exists', args: ['upload', '-a', '0', '-s', '0x08000000:1024', 'dump.bin'], files: { 'dump.bin': 'old' }, code: 'FILE_EXISTS', exit: 73, message: /dump\.bin already exists/, hint: /--force/ },
  { name: 'upload: the output is a directory', args: ['upload', '-a', '0', '-s', '0x08000000:1024', 'sub'], files: { 'sub/x': 'x' }, code: 'FILE_EXISTS', exit: 73, message: /output file sub is a directory/, hint: /a file name/ },
  { name: 'upload: the output folder is missing', args: ['upload', '-a', '0', '-s', '0x08000000:1024', 'no/dump.bin'], code: 'FILE_NOT_FOUND', exit: 66, message: /does not exist/, hint: /create the directory/ },
  { name: 'upload: range beyond the layout', args: ['upload', '-a', '0', '-s', '0x080ff000:0x2000', 'dump.bin'], code: 'DOES_NOT_FIT', exit: 78, message: /upload 0x080ff000-0x08100fff is outside the memory layout .*0x08100000 is not in it/, hint: /-s 0x080ff000:4096/ },
  { name: 'upload: address outside the layout', args: ['upload', '-a', '0', '-s', '0x20000000:16', 'dump.bin'], code: 'DOES_NOT_FIT', exit: 78, message: /upload 0x20000000-0x2000000f is outside the memory layout/, hint: /-s ADDR\[:LEN\]/ },
  { name: 'upload: -s …:mass-erase:force', args: ['upload', '-a', '0', '-s', '0x08000000:16:mass-erase:force', 'dump.bin'], code: 'USAGE', exit: 64, message: /mass erase cannot be combined with an upload/, hint: /command mode/ },
  { name: 'upload: -s on a DFU 1.1 device', profile: 'dapboot', args: ['upload', '-s', '0x08002000:16', 'dump.bin'], code: 'USAGE', exit: 64, message: /a DfuSe address was given, but this device speaks plain DFU 1\.1/, hint: /-Z/ },
];

const ROWS: Row[] = [...INTEL_HEX, ...S_RECORDS, ...ELF, ...DFU_FILES, ...SUFFIX, ...PLACEMENT, ...NOTHING_TO_FLASH, ...S_SPECS, ...SELECTION, ...UPLOADS];

async function runRow(row: Row) {
  const dir = tempDir();
  for (const [name, contents] of Object.entries(row.files ?? {})) writeIn(dir, name, contents);
  const bench = new Bench([row.profile ?? 'stm32f4-sysboot']);
  const io = memoryIo(dir);
  const exit = await run([...row.args, '--json'], io, { clock: bench.clock, createBackend: async () => bench.backend() });
  return { exit, io, bench, dir };
}

describe(`malformed input is refused before any DFU request (${ROWS.length} rows)`, () => {
  for (const row of ROWS) {
    test(row.name, async () => {
      const { exit, io, bench } = await runRow(row);
      const result = lastJson(io);
      assert.ok(result?.error, `an error result on stdout; stderr: ${io.err()}`);
      assert.equal(result.error.code, row.code, result.error.message);
      assert.equal(exit, row.exit);
      assert.equal(result.exitCode, row.exit);
      assert.match(result.error.message, row.message);
      assert.ok(result.error.hint, 'a hint');
      assert.match(result.error.hint, row.hint);
      // the human form: one error line and one hint line on stderr
      assert.match(io.err(), /^dfu-flash: error: .+\n  hint: .+\n$/);
      const device = bench.device();
      assert.deepEqual(dfuClass(device.transcript), [], 'no DFU class request reached the device');
      assert.deepEqual([...device.eraseLog], [], 'nothing erased');
      assert.deepEqual([...device.writeLog], [], 'nothing written');
      assert.ok(bench.allClosed);
    });
  }
});

describe('upload over an existing file', () => {
  test('--force replaces it atomically: the new contents, no temporary file left', async () => {
    const dir = tempDir();
    const image = pattern(4096, 11);
    writeIn(dir, 'fw.bin', image);
    writeIn(dir, 'dump.bin', 'old contents');
    const bench = new Bench(['stm32f4-sysboot']);
    const deps = { clock: bench.clock, createBackend: async () => bench.backend() };
    assert.equal(await run(['download', '-a', '0', '-s', '0x08000000', 'fw.bin'], memoryIo(dir), deps), 0);
    const io = memoryIo(dir);
    assert.equal(await run(['upload', '-a', '0', '-s', '0x08000000:4096', '--force', 'dump.bin'], io, deps), 0, io.err());
    assert.deepEqual(new Uint8Array(readFileSync(join(dir, 'dump.bin'))), image);
    assert.deepEqual(readdirSync(dir).sort(), ['dump.bin', 'fw.bin']);
  });

  test('--force and the device unplugged during the upload: exit 74, the old file intact, no temporary file', async () => {
    const dir = tempDir();
    writeIn(dir, 'dump.bin', 'old contents');
    const bench = new Bench(['stm32f4-sysboot']);
    bench.device().faults.add({ request: 'DFU_UPLOAD', nth: 3, action: 'gone' });
    const io = memoryIo(dir);
    const exit = await run(['upload', '-a', '0', '-s', '0x08000000:16384', '--force', 'dump.bin', '--json'], io, { clock: bench.clock, createBackend: async () => bench.backend() });
    assert.equal(exit, 74);
    const error = lastJson(io)?.error;
    assert.equal(error?.code, 'DEVICE_GONE');
    assert.match(error!.message, /^upload of 2048 bytes at 0x08001000: .*has left the bus/);
    assert.equal(readFileSync(join(dir, 'dump.bin'), 'utf8'), 'old contents');
    assert.deepEqual(readdirSync(dir), ['dump.bin']);
    assert.ok(bench.allClosed);
    assert.deepEqual(bench.device().claimedInterfaces, []);
  });

  test('without --force the existing file is refused before the backend exists', async () => {
    const dir = tempDir();
    writeIn(dir, 'dump.bin', 'old contents');
    let created = 0;
    const exit = await run(['upload', '-a', '0', 'dump.bin'], memoryIo(dir), {
      clock: new FakeClock(),
      createBackend: async () => {
        created++;
        return createSimBackend(['stm32f4-sysboot']);
      },
    });
    assert.equal(exit, 73);
    assert.equal(created, 0);
    assert.equal(readFileSync(join(dir, 'dump.bin'), 'utf8'), 'old contents');
  });
});

describe('property: arbitrary bytes as a firmware file', () => {
  const NAMES = ['fw.bin', 'fw.hex', 'fw.dfu', 'fw.srec', 'fw.elf', 'fw', 'fw.s19'];
  /** Text that looks like records: lines of ':' or 'S3' and hex digits. */
  const recordText = fc
    .array(fc.tuple(fc.constantFrom(':', 'S3', 'S1', 'S9', ':00000001FF'), fc.stringMatching(/^[0-9A-Fa-f]{0,40}$/)), { minLength: 1, maxLength: 8 })
    .map((lines) => new TextEncoder().encode(lines.map(([a, b]) => a + b).join('\n')));
  const bytes = fc.oneof(fc.uint8Array({ minLength: 0, maxLength: 3000 }), recordText, fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, ...b])), fc.uint8Array({ maxLength: 600 }).map((b) => Uint8Array.from([...Buffer.from('DfuSe'), ...b])));
  /** Bad input, usage, or (for bytes that happen to parse) an image that does not fit: nothing else. */
  const ALLOWED = new Map<string, number>([
    ['FORMAT', 65],
    ['USAGE', 64],
    ['DOES_NOT_FIT', 78],
    ['NOT_WRITABLE', 78],
    ['IMAGE_MISMATCH', 78],
  ]);

  test('download --simulate never gets past validation: FORMAT/usage-class exit, no DFU request', async () => {
    const dir = tempDir();
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(bytes, fc.constantFrom(...NAMES), async (content, name) => {
        writeIn(dir, name, content);
        const clock = new FakeClock();
        let backend: ReturnType<typeof createSimBackend> | undefined;
        const io = memoryIo(dir);
        const exit = await run(['download', '--simulate', 'stm32f4-sysboot', '-a', '0', name, '--json'], io, {
          clock,
          createBackend: async (r) => (backend = createSimBackend(r.kind === 'sim' ? r.profiles : [], { clock })),
        });
        const code = lastJson(io)?.error?.code ?? 'none';
        seen.set(code, (seen.get(code) ?? 0) + 1);
        assert.equal(ALLOWED.get(code), exit, `${name}: exit ${exit}, ${io.err()}`);
        if (backend !== undefined) assert.deepEqual(dfuClass(backend.bus.devices[0]!.transcript), []);
      }),
      { numRuns: 150 },
    );
    assert.ok((seen.get('FORMAT') ?? 0) > 0 && (seen.get('USAGE') ?? 0) > 0, `both kinds were met: ${JSON.stringify([...seen])}`);
  });
});
