/**
 * Plain DFU 1.1 target in the style of dapboot (devanlai/dapboot src/dfu.c and
 * src/stm32f103/target_stm32f103.c, read for facts): blocks are written one
 * after another from the application start, whatever their wBlockNum; the
 * first DNLOAD after dfuIDLE restarts at the application start. The device
 * erases a page when a write reaches a byte outside the range it has erased
 * and not yet written (so a fresh page, or going back, triggers an erase).
 * A write past the end of flash, or over bytes that are not erased, fails the
 * device's read-back check: `writeFailStatus` (dapboot: errVERIFY).
 * UPLOAD reads sequentially from the application start and ends with a short
 * frame at the end of flash.
 */
import { DfuStatus } from '../dfu/constants.js';
import { hex32 } from '../shared/errors.js';
import { parseMemoryLayout } from '../dfu/memory-layout.js';
import { SimFlash } from './flash.js';
import type { SimPlainDfuBehaviour } from './profile-types.js';
import type { SimDownloadResult, SimJob, SimTarget, SimUploadResult } from './target-types.js';

export class SequentialTarget implements SimTarget {
  readonly flash: SimFlash;
  readonly zeroLengthLeavesFromIdle = false;
  private downloadOffset = 0;
  private uploadOffset = 0;
  /** Bytes in [eraseStart, eraseEnd) are erased and not yet written. */
  private eraseStart = 0;
  private eraseEnd = 0;

  constructor(private readonly behaviour: SimPlainDfuBehaviour) {
    this.flash = new SimFlash(parseMemoryLayout(behaviour.memory).segments);
  }

  setAlt(_alt: number): void {}

  download(_blockNum: number, data: Uint8Array, first: boolean): SimDownloadResult {
    if (first) this.downloadOffset = 0;
    const address = this.behaviour.appStart + this.downloadOffset;
    const bytes = data.slice();
    const t = this.behaviour.timing;
    const job: SimJob = {
      name: `WRITE ${hex32(address)} +${bytes.length}`,
      busy: { reportedMs: t.blockReportedMs, actualMs: t.programMs(bytes.length) },
      alwaysBusy: false,
      run: () => {
        const { status, erased } = this.write(address, bytes);
        if (status === DfuStatus.OK) this.downloadOffset += bytes.length;
        const actualMs = t.programMs(bytes.length) + erased * t.pageEraseMs;
        return { status, busy: { reportedMs: t.blockReportedMs, actualMs } };
      },
    };
    return { kind: 'job', job };
  }

  private write(address: number, data: Uint8Array): { status: DfuStatus; erased: number } {
    let erased = 0;
    for (let i = 0; i < data.length; i++) {
      const a = address + i;
      if (a >= this.behaviour.appEnd) return { status: this.behaviour.writeFailStatus, erased };
      if (a < this.eraseStart || a >= this.eraseEnd) {
        const page = this.flash.pageAt(a);
        if (page === undefined) return { status: this.behaviour.writeFailStatus, erased };
        this.flash.erasePage(a);
        erased++;
        this.eraseStart = page.start;
        this.eraseEnd = page.start + page.size;
      }
      const current = this.flash.read(a, 1)[0];
      if (current !== 0xff) return { status: this.behaviour.writeFailStatus, erased };
      this.eraseStart = a + 1;
    }
    this.flash.program(address, data);
    return { status: DfuStatus.OK, erased };
  }

  upload(_blockNum: number, length: number, first: boolean): SimUploadResult {
    if (first) this.uploadOffset = 0;
    const address = this.behaviour.appStart + this.uploadOffset;
    const n = Math.max(0, Math.min(length, this.behaviour.appEnd - address));
    this.uploadOffset += n;
    return { kind: 'data', data: this.flash.read(address, n) };
  }

  manifest(): SimJob {
    return {
      name: 'MANIFEST',
      busy: this.behaviour.timing.manifest,
      alwaysBusy: true,
      run: () => ({ status: DfuStatus.OK }),
    };
  }
}
