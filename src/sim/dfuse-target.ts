/**
 * ST DfuSe extension (AN3156 §6, bcdDFUVersion 0x011A) over simulated flash.
 *
 * DNLOAD wBlockNum 0 carries a command, executed by the next GETSTATUS:
 *   0x00 GET_COMMANDS · 0x21 SET_ADDRESS a0..a3 · 0x41 ERASE a0..a3 (page) ·
 *   0x41 alone (mass erase) · 0x92 READ_UNPROTECT.
 * DNLOAD wBlockNum >= 2 writes at (wBlockNum − 2) × wTransferSize + address pointer.
 * UPLOAD wBlockNum 0 returns the command list; >= 2 reads at the same formula.
 * wBlockNum 1 stalls in both directions.
 *
 * Commands report dfuDNBUSY at the first GETSTATUS even when they fail; the
 * error (dfuERROR + status) shows at the next GETSTATUS (AN2662 §4.5, same
 * command set). With `checkSetAddress`, SET_ADDRESS outside every alt's memory
 * fails with errTARGET.
 *
 * Access rules (the alt's layout string, UM0424 type letters):
 *   outside the alt's layout → errADDRESS; write to a non-writable sector, erase of
 *   a non-erasable one → errTARGET; write over bytes that are not 0xFF → errWRITE.
 *   UPLOAD of a non-readable sector stalls with errTARGET (our choice: AN3156 only
 *   says the request is refused); UPLOAD outside the layout stalls with errADDRESS;
 *   an UPLOAD that runs past the readable memory returns a short frame ending there.
 *
 * Read-out protection (`readProtected`, set by tests): UPLOAD of data stalls with errVENDOR,
 * ERASE, mass erase and writes fail with errVENDOR (AN2662 §4.4: the ROM refuses memory access);
 * READ_UNPROTECT erases the flash and resets, and the device comes back unprotected.
 * Option bytes (`optionBytesReset`, profile switch or set by tests): a write into an alt whose
 * region is named "Option Bytes" resets the chip once the write is done (AN2662 Write Memory:
 * "Destination == Option Bytes → System Reset"); it comes back, as after READ_UNPROTECT.
 *
 * Profile switches for real devices' faults (defaults: as above): `memory` (the chip's
 * real layout when the alt names claim another), `dataAddressing: 'pointer-only'`
 * (every data block at the address pointer), `writeOverProgrammed: 'and'` (no errWRITE:
 * the bits are ANDed), `stuckErase` (an ERASE that stays dfuDNBUSY until CLRSTATUS).
 */
import {
  DFUSE_CMD_ERASE,
  DFUSE_CMD_GET_COMMANDS,
  DFUSE_CMD_READ_UNPROTECT,
  DFUSE_CMD_SET_ADDRESS,
  DFUSE_FIRST_DATA_BLOCK,
  DfuStatus,
} from '../dfu/constants.js';
import { hex32 } from '../shared/errors.js';
import type { MemoryLayout, MemorySegment } from '../dfu/plan-types.js';
import { SimFlash } from './flash.js';
import type { SimDfuseBehaviour } from './profile-types.js';
import type { SimDownloadResult, SimJob, SimTarget, SimUploadResult } from './target-types.js';

const COMMAND_LIST = [DFUSE_CMD_GET_COMMANDS, DFUSE_CMD_SET_ADDRESS, DFUSE_CMD_ERASE, DFUSE_CMD_READ_UNPROTECT];

function le32(data: Uint8Array, offset: number): number {
  return (data[offset]! | (data[offset + 1]! << 8) | (data[offset + 2]! << 16) | (data[offset + 3]! << 24)) >>> 0;
}

export class DfuseTarget implements SimTarget {
  readonly flash: SimFlash;
  readonly zeroLengthLeavesFromIdle = true;
  private alt = 0;
  /** The DfuSe address pointer (SET_ADDRESS). */
  addressPointer: number;
  /** Read-out protection is active (see the file comment). */
  readProtected = false;
  /** Writing the option bytes resets the chip (see the file comment). */
  optionBytesReset: boolean;
  /** Stuck erases still to come (STM32H7 quirk); undefined until the first. */
  private stuckLeft: number | undefined;

  constructor(
    private readonly layouts: MemoryLayout[],
    private readonly behaviour: SimDfuseBehaviour,
    private readonly transferSize: number,
  ) {
    this.flash = new SimFlash(layouts.flatMap((l) => l.segments));
    this.optionBytesReset = behaviour.optionBytesReset ?? false;
    this.addressPointer = this.defaultPointer();
  }

  private defaultPointer(): number {
    return this.layouts[this.alt]?.segments[0]?.start ?? 0;
  }

  private get segments(): MemorySegment[] {
    return this.layouts[this.alt]?.segments ?? [];
  }

  private segmentAt(address: number): MemorySegment | undefined {
    return this.segments.find((s) => address >= s.start && address < s.end);
  }

  setAlt(alt: number): void {
    this.alt = alt;
    this.addressPointer = this.defaultPointer();
  }

  download(blockNum: number, data: Uint8Array, _first: boolean): SimDownloadResult {
    if (blockNum === 0) return this.command(data);
    if (blockNum < DFUSE_FIRST_DATA_BLOCK) return { kind: 'stall', status: DfuStatus.errSTALLEDPKT };
    const address = this.blockAddress(blockNum);
    const bytes = data.slice();
    const job: SimJob = {
      name: `WRITE ${hex32(address)} +${bytes.length}`,
      busy: this.behaviour.timing.program(bytes.length),
      alwaysBusy: false,
      run: () => {
        const status = this.readProtected ? DfuStatus.errVENDOR : this.write(address, bytes);
        if (status !== DfuStatus.OK || !this.optionBytesReset || !this.isOptionBytes()) return { status };
        return { status, after: { kind: 'reset-and-return', reason: 'option bytes written: the chip reset to load them' } };
      },
    };
    return { kind: 'job', job };
  }

  /** Is the selected alt the option bytes ("@Option Bytes /…")? */
  private isOptionBytes(): boolean {
    return /^option bytes$/i.test(this.layouts[this.alt]?.name ?? '');
  }

  /** Where data block `blockNum` (>= 2) goes: AN3156's formula, or the pointer itself ('pointer-only'). */
  private blockAddress(blockNum: number): number {
    if (this.behaviour.dataAddressing === 'pointer-only') return this.addressPointer;
    return (blockNum - DFUSE_FIRST_DATA_BLOCK) * this.transferSize + this.addressPointer;
  }

  /** STM32H7 quirk: does this ERASE stick in dfuDNBUSY? Counts down `stuckErase.times`. */
  private sticks(address: number): boolean {
    const s = this.behaviour.stuckErase;
    if (s === undefined || s.address !== address || this.stuckLeft === 0) return false;
    this.stuckLeft = (this.stuckLeft ?? s.times ?? 1) - 1;
    return true;
  }

  private command(data: Uint8Array): SimDownloadResult {
    const t = this.behaviour.timing;
    const cmd = data[0];
    const stall: SimDownloadResult = { kind: 'stall', status: DfuStatus.errSTALLEDPKT };
    const job = (name: string, busy: SimJob['busy'], run: SimJob['run'], erase = false): SimDownloadResult => ({
      kind: 'job',
      job: { name, busy, alwaysBusy: true, erase, run },
    });
    if (cmd === DFUSE_CMD_GET_COMMANDS && data.length === 1) {
      return job('GET_COMMANDS', t.getCommands, () => ({ status: DfuStatus.OK }));
    }
    if (cmd === DFUSE_CMD_SET_ADDRESS && data.length === 5) {
      const address = le32(data, 1);
      return job(`SET_ADDRESS ${hex32(address)}`, t.setAddress, () => {
        if (this.behaviour.checkSetAddress && !this.flash.isMapped(address, 1)) return { status: DfuStatus.errTARGET };
        this.addressPointer = address;
        return { status: DfuStatus.OK };
      });
    }
    if (cmd === DFUSE_CMD_ERASE && data.length === 5) {
      const address = le32(data, 1);
      const quirk = this.behaviour.eraseIgnoresAddress;
      const pageSize = this.flash.pageAt(address)?.size ?? 0;
      return job(
        `ERASE ${hex32(address)}`,
        t.erase(pageSize),
        () => {
          if (this.readProtected) return { status: DfuStatus.errVENDOR };
          const status = quirk === undefined ? this.erasePage(address) : this.eraseFrom(quirk.start);
          return status === DfuStatus.OK && this.sticks(address) ? { status, stuck: true } : { status };
        },
        true,
      );
    }
    if (cmd === DFUSE_CMD_ERASE && data.length === 1) {
      const quirk = this.behaviour.eraseIgnoresAddress;
      return job(
        'MASS_ERASE',
        t.massErase,
        () => {
          if (this.readProtected) return { status: DfuStatus.errVENDOR };
          if (quirk !== undefined) return { status: this.eraseFrom(quirk.start) };
          this.eraseAll(this.segments);
          return { status: DfuStatus.OK };
        },
        true,
      );
    }
    if (cmd === DFUSE_CMD_READ_UNPROTECT && data.length === 1) {
      if (this.behaviour.readUnprotect === 'unsupported') return stall;
      return job('READ_UNPROTECT', t.readUnprotect, () => {
        this.eraseAll(this.layouts[0]?.segments ?? []);
        this.readProtected = false;
        return {
          status: DfuStatus.OK,
          after: { kind: 'reset-and-return', reason: 'read-out protection removed, flash erased, device reset' },
        };
      });
    }
    return stall;
  }

  private erasePage(address: number): DfuStatus {
    const seg = this.segmentAt(address);
    if (seg === undefined) return DfuStatus.errADDRESS;
    if (!seg.erasable) return DfuStatus.errTARGET;
    this.flash.erasePage(address);
    return DfuStatus.OK;
  }

  /** CubeMX quirk: erase every erasable page from `start` to the end of its contiguous region. */
  private eraseFrom(start: number): DfuStatus {
    const segs = this.segments.filter((s) => s.end > start).sort((a, b) => a.start - b.start);
    let expect = start;
    for (const s of segs) {
      if (s.start > expect) break;
      if (s.erasable) {
        for (let a = Math.max(s.start, start); a < s.end; a += s.pageSize) this.flash.erasePage(a);
      }
      expect = s.end;
    }
    return DfuStatus.OK;
  }

  private eraseAll(segments: MemorySegment[]): void {
    for (const s of segments) {
      if (!s.erasable) continue;
      for (let a = s.start; a < s.end; a += s.pageSize) this.flash.erasePage(a);
    }
  }

  private write(address: number, data: Uint8Array): DfuStatus {
    let a = address;
    const end = address + data.length;
    while (a < end) {
      const seg = this.segmentAt(a);
      if (seg === undefined) return DfuStatus.errADDRESS;
      if (!seg.writable) return DfuStatus.errTARGET;
      a = seg.end;
    }
    if (!this.flash.isErased(address, data.length)) {
      if (this.behaviour.writeOverProgrammed !== 'and') return DfuStatus.errWRITE;
      // flash cells only go from 1 to 0: what lands is the AND of old and new, and the device says OK
      const old = this.flash.read(address, data.length);
      this.flash.program(address, data.map((b, i) => b & old[i]!));
      return DfuStatus.OK;
    }
    this.flash.program(address, data);
    return DfuStatus.OK;
  }

  upload(blockNum: number, length: number, _first: boolean): SimUploadResult {
    if (blockNum === 0) return { kind: 'data', data: Uint8Array.from(COMMAND_LIST.slice(0, length)) };
    if (blockNum < DFUSE_FIRST_DATA_BLOCK) return { kind: 'stall', status: DfuStatus.errSTALLEDPKT };
    if (this.readProtected) return { kind: 'stall', status: DfuStatus.errVENDOR };
    const address = this.blockAddress(blockNum);
    const first = this.segmentAt(address);
    if (first === undefined) return { kind: 'stall', status: DfuStatus.errADDRESS };
    if (!first.readable) return { kind: 'stall', status: DfuStatus.errTARGET };
    let end = address;
    const want = address + length;
    while (end < want) {
      const seg = this.segmentAt(end);
      if (seg === undefined || !seg.readable) break;
      end = Math.min(seg.end, want);
    }
    return { kind: 'data', data: this.flash.read(address, end - address) };
  }

  manifest(): SimJob {
    const jump = this.addressPointer;
    return {
      name: 'LEAVE',
      busy: this.behaviour.timing.leave,
      alwaysBusy: true,
      run: () => ({
        status: DfuStatus.OK,
        after: { kind: 'leave', reason: `left DFU mode: jumped to the application (address pointer ${hex32(jump)})`, reenumerate: this.behaviour.afterLeave },
      }),
    };
  }
}
