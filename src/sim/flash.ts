/**
 * The memory of a simulated device: segments (from DfuSe layout strings),
 * erased to 0xFF, with an erase log and a write log. SimFlash itself is raw
 * storage; the access rules (type letters, erased-before-write) are enforced
 * by the targets (dfuse-target.ts, sequential-target.ts) so they can report
 * the right DFU status.
 */
import { DfuFlashError, hex32 } from '../shared/errors.js';
import type { MemorySegment } from '../dfu/plan-types.js';
import { fromBase64, toBase64 } from './base64.js';

export interface SimWrite {
  address: number;
  length: number;
}

/** Flash contents as plain JSON-able data: only pages that are not fully erased. */
export interface SimFlashSnapshot {
  format: 'dfu-flash-sim-flash';
  version: 1;
  /** Profile the snapshot was taken from (informational). */
  profile: string;
  pages: { address: number; data: string /* base64 */ }[];
}

interface Bank {
  segment: MemorySegment;
  data: Uint8Array;
}

export class SimFlash {
  private readonly banks: Bank[] = [];
  /** Page start addresses, in the order they were erased. */
  readonly eraseLog: number[] = [];
  /** Every program operation, in order. */
  readonly writeLog: SimWrite[] = [];

  constructor(segments: MemorySegment[]) {
    for (const segment of segments) {
      const same = this.banks.find((b) => b.segment.start === segment.start && b.segment.end === segment.end);
      if (same !== undefined) continue; // the same memory listed by two alts
      const overlap = this.banks.find((b) => segment.start < b.segment.end && b.segment.start < segment.end);
      if (overlap !== undefined) {
        throw new DfuFlashError(
          'INTERNAL',
          `simulated memory segment ${hex32(segment.start)}-${hex32(segment.end)} overlaps ` +
            `${hex32(overlap.segment.start)}-${hex32(overlap.segment.end)}`,
        );
      }
      this.banks.push({ segment, data: new Uint8Array(segment.end - segment.start).fill(0xff) });
    }
    this.banks.sort((a, b) => a.segment.start - b.segment.start);
  }

  get segments(): MemorySegment[] {
    return this.banks.map((b) => b.segment);
  }

  private bankAt(address: number): Bank | undefined {
    return this.banks.find((b) => address >= b.segment.start && address < b.segment.end);
  }

  /** Is every byte of [address, address + length) backed by memory? */
  isMapped(address: number, length: number): boolean {
    let a = address;
    const end = address + length;
    while (a < end) {
      const bank = this.bankAt(a);
      if (bank === undefined) return false;
      a = bank.segment.end;
    }
    return true;
  }

  /** Raw read for inspection and for the targets. Throws USAGE for unmapped addresses. */
  read(address: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const a = address + done;
      const bank = this.bankAt(a);
      if (bank === undefined) {
        throw new DfuFlashError('USAGE', `simulated device has no memory at ${hex32(a)}`, {
          hint: 'read inside the memory layout of one of its alt settings',
          details: { address: a },
        });
      }
      const n = Math.min(length - done, bank.segment.end - a);
      const off = a - bank.segment.start;
      out.set(bank.data.subarray(off, off + n), done);
      done += n;
    }
    return out;
  }

  /** Are all bytes 0xFF? (Caller ensures the range is mapped.) */
  isErased(address: number, length: number): boolean {
    return this.read(address, length).every((b) => b === 0xff);
  }

  /** The page containing `address`, or undefined outside memory. */
  pageAt(address: number): { start: number; size: number; segment: MemorySegment } | undefined {
    const bank = this.bankAt(address);
    if (bank === undefined) return undefined;
    const size = bank.segment.pageSize;
    const start = bank.segment.start + Math.floor((address - bank.segment.start) / size) * size;
    return { start, size, segment: bank.segment };
  }

  /** Erase the page holding `address` to 0xFF and log it. */
  erasePage(address: number): void {
    const page = this.pageAt(address);
    if (page === undefined) return;
    const bank = this.bankAt(address)!;
    const off = page.start - bank.segment.start;
    bank.data.fill(0xff, off, off + page.size);
    this.eraseLog.push(page.start);
  }

  /** Store bytes (no checks beyond mapping) and log the write. */
  program(address: number, data: Uint8Array): void {
    let done = 0;
    while (done < data.length) {
      const a = address + done;
      const bank = this.bankAt(a);
      if (bank === undefined) throw new DfuFlashError('INTERNAL', `program outside memory at ${hex32(a)}`);
      const n = Math.min(data.length - done, bank.segment.end - a);
      bank.data.set(data.subarray(done, done + n), a - bank.segment.start);
      done += n;
    }
    this.writeLog.push({ address, length: data.length });
  }

  /** Put bytes in memory as if they had been there all along (no logs, no erase needed). Throws USAGE outside memory. */
  load(address: number, data: Uint8Array): void {
    if (!this.isMapped(address, data.length)) {
      throw new DfuFlashError('USAGE', `simulated device has no memory for ${data.length} bytes at ${hex32(address)}`, {
        hint: 'give initial contents inside the memory layout of one of its alt settings',
        details: { address },
      });
    }
    let done = 0;
    while (done < data.length) {
      const a = address + done;
      const bank = this.bankAt(a)!;
      const n = Math.min(data.length - done, bank.segment.end - a);
      bank.data.set(data.subarray(done, done + n), a - bank.segment.start);
      done += n;
    }
  }

  /** End of the contiguous mapped memory that starts at `address` (address itself if unmapped). */
  contiguousEnd(address: number): number {
    let a = address;
    for (;;) {
      const bank = this.bankAt(a);
      if (bank === undefined) return a;
      a = bank.segment.end;
    }
  }

  snapshot(profile: string): SimFlashSnapshot {
    const pages: SimFlashSnapshot['pages'] = [];
    for (const bank of this.banks) {
      const { start, pageSize } = bank.segment;
      for (let off = 0; off < bank.data.length; off += pageSize) {
        const chunk = bank.data.subarray(off, off + pageSize);
        if (chunk.every((b) => b === 0xff)) continue;
        pages.push({ address: start + off, data: toBase64(chunk) });
      }
    }
    return { format: 'dfu-flash-sim-flash', version: 1, profile, pages };
  }

  /** Replace the contents with a snapshot (logs are kept). Throws USAGE for a foreign or damaged snapshot. */
  restore(snapshot: SimFlashSnapshot): void {
    const bad = (why: string): DfuFlashError =>
      new DfuFlashError('USAGE', `cannot restore simulated flash: ${why}`, {
        hint: 'delete the saved simulator state and start again',
      });
    if (snapshot === null || typeof snapshot !== 'object' || snapshot.format !== 'dfu-flash-sim-flash') {
      throw bad('not a dfu-flash simulator flash snapshot');
    }
    if (snapshot.version !== 1 || !Array.isArray(snapshot.pages)) throw bad(`unsupported version ${String(snapshot.version)}`);
    const decoded = snapshot.pages.map((p) => {
      if (typeof p?.address !== 'number' || typeof p.data !== 'string') throw bad('a page entry is malformed');
      let data: Uint8Array;
      try {
        data = fromBase64(p.data);
      } catch {
        throw bad(`page ${hex32(p.address)} is not base64`);
      }
      if (!this.isMapped(p.address, data.length)) {
        throw bad(`page ${hex32(p.address)} (+${data.length}) lies outside this device's memory`);
      }
      return { address: p.address, data };
    });
    for (const bank of this.banks) bank.data.fill(0xff);
    for (const p of decoded) {
      let done = 0;
      while (done < p.data.length) {
        const bank = this.bankAt(p.address + done)!;
        const a = p.address + done;
        const n = Math.min(p.data.length - done, bank.segment.end - a);
        bank.data.set(p.data.subarray(done, done + n), a - bank.segment.start);
        done += n;
      }
    }
  }
}
