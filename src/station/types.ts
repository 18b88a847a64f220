/**
 * The flashing station's options, events and results. A station watches the
 * bus, takes every DFU-mode device that matches the selection as it arrives
 * (a board: its port path and serial), runs a job on it — a download, or the
 * steps of a plan — several at once, and says what became of each board.
 *
 * Events, in order for one board:
 *   board-arrived → board-started → board-event* → board-finished,
 *   then possibly board-returned (it came back as its application, or to the
 *   bootloader: a warning), or board-left instead of board-started (it was
 *   pulled out while it waited for a free job slot, or the station stopped first).
 * board-skipped names an enumeration the station will not flash (a board
 * already flashed, plugged in again without `again`). station-listening comes
 * once, when the first listing is in (before the boards it found arrive); station-stopping once, when no more boards
 * are taken; station-aborting at most once.
 */
import type { Clock, DeviceSelector, DfuFlashError, FlashEvent, ListedDevice, PhaseSummary, Selection, UsbBackend } from '../index.js';

/** One board the station took. */
export interface StationBoard {
  /** 1, 2, 3…: in the order the station took them. */
  number: number;
  portPath: string;
  serial?: string | undefined;
  vendorId: number;
  productId: number;
  /** The USB device address of the enumeration taken (a new one at every enumeration). */
  deviceAddress: number;
  /** The enumeration taken (the backend's key; a re-plugged board gets a new one). */
  key: string;
  /** Clock time (ms) when the station first listed it. */
  seenAt: number;
}

/** What a job hands to the station when its board is done. */
export interface StationJobResult<D = unknown> {
  /** The board was told to leave DFU mode (leave, manifestation, reset): it drops off the bus and may come back. */
  leaves: boolean;
  /** Image bytes the job covered. */
  bytes: number;
  phases: PhaseSummary[];
  /** The client's own record of what was done (downloadJob: the library's DownloadResult). */
  detail?: D | undefined;
}

export interface StationJobContext {
  /** The station's backend. */
  backend: UsbBackend;
  /** The selection, pinned to this board's port and enumeration (device address). */
  selector: DeviceSelector;
  /** Aborted by Station.abort(): the operation stops at a block boundary, the device back in dfuIDLE. */
  signal: AbortSignal;
  /** The job's progress; the station forwards it as board-event. */
  onEvent: (event: FlashEvent) => void;
}

/**
 * What to do to one board. Throw (a DfuFlashError) to fail the board; the
 * station goes on with the others. A job must only ever talk to the board
 * `context.selector` names, in DFU mode (never detach: autoDetach false).
 */
export type StationJob<D = unknown> = (board: StationBoard, context: StationJobContext) => Promise<StationJobResult<D>>;

export type StationStopReason = 'count' | 'timeout' | 'stopped';

export type StationEvent<D = unknown> =
  | { type: 'station-listening'; atMs: number }
  | { type: 'board-arrived'; board: StationBoard }
  | { type: 'board-started'; board: StationBoard }
  | { type: 'board-event'; board: StationBoard; event: FlashEvent }
  | { type: 'board-finished'; board: StationBoard; ok: true; result: StationJobResult<D>; elapsedMs: number }
  | { type: 'board-finished'; board: StationBoard; ok: false; error: DfuFlashError; elapsedMs: number }
  /** Taken, but gone before its job started ('unplugged'), or dropped because the station stopped ('stopping'). */
  | { type: 'board-left'; board: StationBoard; why: 'unplugged' | 'stopping' }
  /**
   * A board flashed (and told to leave) came back on its port: as its application
   * (a runtime-mode device: left alone), or in the bootloader with the same serial
   * within `returnWindowMs` (BOOT0 still high: a warning). Neither is flashed again.
   */
  | { type: 'board-returned'; board: StationBoard; as: 'application' | 'bootloader'; device: DeviceSeen }
  /** A DFU-mode board on a port and with a serial already flashed: not flashed again (without `again`). */
  | { type: 'board-skipped'; device: DeviceSeen; reason: 'already-flashed'; flashedAs: number }
  /** Something about the station itself, not one board (a listing of the bus that failed). */
  | { type: 'station-warning'; message: string; hint?: string | undefined }
  | { type: 'station-stopping'; reason: StationStopReason; inFlight: number }
  | { type: 'station-aborting'; inFlight: number };

/** A device as the station saw it in a listing. */
export interface DeviceSeen {
  portPath: string;
  serial?: string | undefined;
  vendorId: number;
  productId: number;
  mode: ListedDevice['mode'];
  key: string;
}

export interface StationOptions<D = unknown> {
  backend: UsbBackend;
  /** Which DFU-mode devices to flash (dfu-util's meanings); nothing: every DFU-mode device. Runtime devices never. */
  select?: Selection | undefined;
  /** The selection already parsed (instead of `select`). */
  selector?: DeviceSelector | undefined;
  job: StationJob<D>;
  /** Boards flashed at once, at most (default: every board present). */
  jobs?: number | undefined;
  /** End once this many boards have finished, succeeded or failed (default: no limit). */
  count?: number | undefined;
  /** Take no new boards after this long (ms from run()); boards in flight finish. */
  timeoutMs?: number | undefined;
  /** Flash a board again when it is plugged in again (same port and serial). Default false. */
  again?: boolean | undefined;
  /**
   * A flashed board that left and is back in the bootloader with the same serial
   * within this long (ms from when the station saw it gone) came back by itself
   * (BOOT0 high); later, it counts as plugged in again. Default 5000.
   */
  returnWindowMs?: number | undefined;
  /** How often to list where the backend has no watch() (ms, default 500). */
  pollMs?: number | undefined;
  /** How many flashed boards (port + serial) to remember, oldest forgotten first (default 10000). */
  rememberBoards?: number | undefined;
  clock?: Clock | undefined;
  onEvent?: ((event: StationEvent<D>) => void) | undefined;
  /** Lists the devices (default: the library's listDevices). */
  listDevices?: ((options: { backend: UsbBackend }) => Promise<ListedDevice[]>) | undefined;
}

export interface StationSummary {
  /** Boards finished (succeeded + failed). */
  boards: number;
  ok: number;
  failed: number;
  /** Boards that came back to the bootloader after their flash (counted in ok). */
  returnedToBootloader: number;
  elapsedMs: number;
  /** Finished boards per hour of the station's run time (0 before any finished). */
  boardsPerHour: number;
  /** Why it ended; 'stopped' also after abort(). */
  reason: StationStopReason;
  /** abort() was called: boards in flight were aborted. */
  aborted: boolean;
}
