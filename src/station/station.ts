/**
 * The flashing station: watches the bus, takes each DFU-mode board that
 * matches the selection as it arrives and runs the job on it, `jobs` at a
 * time, until `count` boards have finished, `timeoutMs` has passed or stop()
 * is called; boards in flight then finish (abort() stops them at a block
 * boundary, back in dfuIDLE). One failing board never stops the others, and
 * none is retried by itself.
 *
 * Arrival: backend.watch() says that something changed; the station then
 * lists the bus again (and once more if something changed while it listed),
 * so it never trusts an event about one device and never misses one that
 * arrived between two events. Without watch() it lists every `pollMs`. Each
 * enumeration is decided once (port-book.ts).
 *
 *   const station = createStation({ backend, select: { device: ',0483:df11' }, job: downloadJob({ image, leave: true }), count: 50 });
 *   process.once('SIGINT', () => station.stop());
 *   const summary = await station.run();
 */
import { listDevices as libraryListDevices, selectDevices, toSelector } from '../api/operations.js';
import { DfuFlashError, isDfuFlashError } from '../shared/errors.js';
import { systemClock } from '../transport/clock.js';
import type { Clock, DeviceSelector, FlashEvent, ListedDevice } from '../index.js';
import { PortBook } from './port-book.js';
import type { StationBoard, StationEvent, StationOptions, StationStopReason, StationSummary } from './types.js';

const DEFAULT_RETURN_WINDOW_MS = 5000;
const DEFAULT_POLL_MS = 500;
/** The longest a timer of the station is left pending after it ends. */
const TICK_MS = 1000;

interface Running {
  board: StationBoard;
  controller: AbortController;
}

/** An error from a job, as the DfuFlashError it reports (anything else is a bug: INTERNAL). */
function asFlashError(e: unknown): DfuFlashError {
  if (isDfuFlashError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new DfuFlashError('INTERNAL', `internal error: ${message}`, { hint: 'this is a bug: please report it with the error and its cause', cause: e, details: { reason: 'internal-error' } });
}

export class Station<D = unknown> {
  private readonly clock: Clock;
  private readonly selector: DeviceSelector;
  private readonly book: PortBook;
  private readonly queue: StationBoard[] = [];
  private readonly running = new Map<string, Running>();
  private readonly jobs: number;
  private startedAt = 0;
  /** Boards taken and not gone before their turn (what `count` limits). */
  private taken = 0;
  /** Numbers are never reused, not even those of boards gone before their turn. */
  private nextNumber = 1;
  private finished = 0;
  private ok = 0;
  private failed = 0;
  private returnedToBootloader = 0;
  private stopping: StationStopReason | undefined;
  private aborted = false;
  private ended = false;
  private listening = false;
  private listing = false;
  private dirty = false;
  private listFailed = false;
  private unwatch: (() => void) | undefined;
  private resolveRun: ((s: StationSummary) => void) | undefined;
  private runPromise: Promise<StationSummary> | undefined;

  constructor(private readonly o: StationOptions<D>) {
    this.clock = o.clock ?? systemClock;
    this.selector = toSelector(o.select, o.selector);
    const jobs = o.jobs ?? Infinity;
    const count = o.count;
    if (!(jobs >= 1)) throw new DfuFlashError('USAGE', `jobs must be at least 1, got ${String(jobs)}`, { hint: 'leave it out to flash every board present at once' });
    if (count !== undefined && !(Number.isInteger(count) && count >= 1)) throw new DfuFlashError('USAGE', `count must be a whole number from 1, got ${String(count)}`);
    if (o.timeoutMs !== undefined && !(o.timeoutMs > 0)) throw new DfuFlashError('USAGE', `timeoutMs must be more than 0, got ${String(o.timeoutMs)}`);
    this.jobs = jobs;
    this.book = new PortBook({ again: o.again === true, returnWindowMs: o.returnWindowMs ?? DEFAULT_RETURN_WINDOW_MS, rememberBoards: o.rememberBoards });
  }

  /** Watch and flash until the station ends; resolves with the totals (it never rejects for a board). */
  run(): Promise<StationSummary> {
    if (this.runPromise !== undefined) return this.runPromise;
    this.runPromise = new Promise<StationSummary>((resolve) => {
      this.resolveRun = resolve;
    });
    this.startedAt = this.clock.now();
    this.unwatch = this.o.backend.watch?.(() => this.kick());
    if (this.unwatch === undefined || this.o.timeoutMs !== undefined) void this.tick();
    this.kick();
    return this.runPromise;
  }

  /** Take no more boards; boards in flight finish, then run() resolves. Safe to call again. */
  stop(reason: StationStopReason = 'stopped'): void {
    if (this.stopping !== undefined || this.ended) return;
    this.stopping = reason;
    this.emit({ type: 'station-stopping', reason, inFlight: this.running.size });
    for (const board of this.queue.splice(0)) {
      this.book.drop(board);
      this.taken--;
      this.emit({ type: 'board-left', board, why: 'stopping' });
    }
    this.maybeEnd();
  }

  /** Stop, and abort the boards in flight: each stops at a block boundary, back in dfuIDLE, failing with ABORTED. */
  abort(): void {
    this.stop();
    if (this.aborted || this.ended) return;
    this.aborted = true;
    this.emit({ type: 'station-aborting', inFlight: this.running.size });
    for (const r of this.running.values()) r.controller.abort();
  }

  /** Internal sizes, for leak tests: all bounded by the ports in use. */
  get stats(): { ports: number; queued: number; running: number; remembered: number } {
    return { ports: this.book.size, queued: this.queue.length, running: this.running.size, remembered: this.book.flashed.size };
  }

  private emit(e: StationEvent<D>): void {
    this.o.onEvent?.(e);
  }

  private canTake(): boolean {
    return this.stopping === undefined && (this.o.count === undefined || this.taken < this.o.count);
  }

  /** Something may have changed: list again (once more after the current listing, if one runs). */
  private kick(): void {
    if (this.ended) return;
    if (this.listing) {
      this.dirty = true;
      return;
    }
    void this.relist();
  }

  private async relist(): Promise<void> {
    this.listing = true;
    try {
      do {
        this.dirty = false;
        let devices: ListedDevice[];
        try {
          devices = await (this.o.listDevices ?? libraryListDevices)({ backend: this.o.backend });
          this.listFailed = false;
        } catch (e) {
          // the bus could not be listed this time (a USB stack hiccup): try again at the next change
          if (!this.listFailed) {
            const error = asFlashError(e);
            this.emit({ type: 'station-warning', message: `listing the USB devices failed: ${error.message}`, hint: error.hint });
          }
          this.listFailed = true;
          break;
        }
        if (this.ended) return;
        if (!this.listening) {
          this.listening = true;
          this.emit({ type: 'station-listening', atMs: Math.round(this.clock.now() - this.startedAt) });
        }
        this.review(devices);
      } while (this.dirty && !this.ended);
    } finally {
      this.listing = false;
    }
    this.pump();
    this.maybeEnd();
  }

  private review(devices: ListedDevice[]): void {
    const wanted = new Set(selectDevices(devices, { selector: this.selector }).filter((d) => d.mode === 'dfu').map((d) => d.key));
    const decisions = this.book.review(devices, (d) => wanted.has(d.key), this.clock.now(), () => this.canTake());
    for (const d of decisions) {
      switch (d.kind) {
        case 'take': {
          const dev = d.device;
          const board: StationBoard = {
            number: 0,
            portPath: dev.portPath,
            serial: dev.serial,
            vendorId: dev.vendorId,
            productId: dev.productId,
            deviceAddress: dev.deviceAddress,
            key: dev.key,
            seenAt: this.clock.now(),
          };
          this.taken++;
          board.number = this.nextNumber++;
          this.book.take(board);
          this.queue.push(board);
          this.emit({ type: 'board-arrived', board });
          break;
        }
        case 'left': {
          const i = this.queue.indexOf(d.board);
          if (i >= 0) this.queue.splice(i, 1);
          this.taken--;
          this.emit({ type: 'board-left', board: d.board, why: 'unplugged' });
          break;
        }
        case 'returned':
          if (d.as === 'bootloader') this.returnedToBootloader++;
          this.emit({ type: 'board-returned', board: d.board, as: d.as, device: d.device });
          break;
        case 'skipped':
          this.emit({ type: 'board-skipped', device: d.device, reason: 'already-flashed', flashedAs: d.flashedAs });
          break;
      }
    }
  }

  private pump(): void {
    while (this.stopping === undefined && !this.ended && this.queue.length > 0 && this.running.size < this.jobs) {
      this.start(this.queue.shift()!);
    }
  }

  private start(board: StationBoard): void {
    const controller = new AbortController();
    this.running.set(board.portPath, { board, controller });
    this.book.started(board);
    this.emit({ type: 'board-started', board });
    const t0 = this.clock.now();
    const selector: DeviceSelector = { ...this.selector, path: board.portPath, devnum: board.deviceAddress };
    const context = {
      backend: this.o.backend,
      selector,
      signal: controller.signal,
      onEvent: (event: FlashEvent) => this.emit({ type: 'board-event', board, event }),
    };
    Promise.resolve()
      .then(() => this.o.job(board, context))
      .then(
        (result) => {
          this.ok++;
          this.book.finished(board, true, result.leaves);
          this.emit({ type: 'board-finished', board, ok: true, result, elapsedMs: Math.round(this.clock.now() - t0) });
        },
        (e: unknown) => {
          this.failed++;
          this.book.finished(board, false, false);
          this.emit({ type: 'board-finished', board, ok: false, error: asFlashError(e), elapsedMs: Math.round(this.clock.now() - t0) });
        },
      )
      .finally(() => {
        this.running.delete(board.portPath);
        this.finished++;
        if (this.o.count !== undefined && this.finished >= this.o.count) this.stop('count');
        this.pump();
        this.kick(); // its return, and boards that waited while it ran
        this.maybeEnd();
      });
  }

  /** The timeout, and the poll where the backend cannot watch: short sleeps, so nothing long is left pending at the end. */
  private async tick(): Promise<void> {
    const pollMs = this.unwatch === undefined ? Math.max(1, this.o.pollMs ?? DEFAULT_POLL_MS) : TICK_MS;
    while (!this.ended) {
      const elapsed = this.clock.now() - this.startedAt;
      const left = this.o.timeoutMs === undefined ? Infinity : this.o.timeoutMs - elapsed;
      if (left <= 0) {
        this.stop('timeout');
        return;
      }
      await this.clock.sleep(Math.min(pollMs, TICK_MS, left));
      if (this.unwatch === undefined) this.kick();
    }
  }

  private maybeEnd(): void {
    if (this.ended || this.stopping === undefined || this.running.size > 0) return;
    this.ended = true;
    this.unwatch?.();
    this.unwatch = undefined;
    const elapsedMs = Math.round(this.clock.now() - this.startedAt);
    this.resolveRun?.({
      boards: this.finished,
      ok: this.ok,
      failed: this.failed,
      returnedToBootloader: this.returnedToBootloader,
      elapsedMs,
      boardsPerHour: this.finished === 0 || elapsedMs <= 0 ? 0 : (this.finished * 3_600_000) / elapsedMs,
      reason: this.stopping,
      aborted: this.aborted,
    });
  }
}

/** A station for these options; nothing happens until run(). */
export function createStation<D = unknown>(options: StationOptions<D>): Station<D> {
  return new Station(options);
}
