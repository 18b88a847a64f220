/**
 * What the station knows per port, and the decisions a listing leads to. This
 * is where the safety rules live:
 * - each enumeration (a backend key: port + device address) is decided once:
 *   taken, reported or left alone — never taken twice;
 * - only DFU-mode devices the selection matches are taken; runtime devices and
 *   other DFU devices are left alone;
 * - while a board is being flashed, what happens on its port is its job's business;
 * - a board flashed and told to leave is watched for: the first device on its
 *   port after it left is its return when it is a runtime device (its new
 *   application) or a DFU-mode device with the same serial within the return
 *   window (BOOT0 high: back in the bootloader); neither is flashed;
 * - a board (port + serial) flashed before is not flashed again unless `again`;
 * - a board that failed is not retried: only a new enumeration (a replug) is taken.
 * Memory is per port (and the bounded FlashedBoards), never per board.
 */
import type { ListedDevice } from '../index.js';
import { FlashedBoards } from './flashed-boards.js';
import type { DeviceSeen, StationBoard } from './types.js';

export type PortDecision =
  | { kind: 'take'; device: ListedDevice }
  | { kind: 'left'; board: StationBoard }
  | { kind: 'returned'; board: StationBoard; as: 'application' | 'bootloader'; device: DeviceSeen }
  | { kind: 'skipped'; device: DeviceSeen; flashedAs: number };

interface PortRecord {
  /** Enumerations on this port already decided; only those still present are kept. */
  decided: Set<string>;
  /** The board taken here: waiting for a job slot, or being flashed. */
  active?: { board: StationBoard; running: boolean } | undefined;
  /** The board flashed here and told to leave, until its return (or another board) shows up. */
  after?: { board: StationBoard; goneAt?: number | undefined } | undefined;
}

export interface PortBookOptions {
  again: boolean;
  returnWindowMs: number;
  rememberBoards?: number | undefined;
}

export function deviceSeen(d: ListedDevice): DeviceSeen {
  return { portPath: d.portPath, serial: d.serial, vendorId: d.vendorId, productId: d.productId, mode: d.mode, key: d.key };
}

export class PortBook {
  private readonly ports = new Map<string, PortRecord>();
  readonly flashed: FlashedBoards;

  constructor(private readonly o: PortBookOptions) {
    this.flashed = new FlashedBoards(o.rememberBoards);
  }

  /**
   * Decide about a fresh listing. `wanted`: the selection matches this DFU-mode
   * device. `canTake`: a new board may be taken now (asked before each take).
   * Takes must be followed by take() for the board the caller makes of it.
   */
  review(devices: readonly ListedDevice[], wanted: (d: ListedDevice) => boolean, now: number, canTake: () => boolean): PortDecision[] {
    const byPort = new Map<string, ListedDevice[]>();
    for (const d of devices) byPort.set(d.portPath, [...(byPort.get(d.portPath) ?? []), d]);
    const out: PortDecision[] = [];
    for (const port of new Set([...this.ports.keys(), ...byPort.keys()])) {
      this.reviewPort(port, byPort.get(port) ?? [], wanted, now, canTake, out);
    }
    return out;
  }

  take(board: StationBoard): void {
    const rec = this.record(board.portPath);
    rec.decided.add(board.key);
    rec.active = { board, running: false };
    rec.after = undefined;
  }

  started(board: StationBoard): void {
    const rec = this.ports.get(board.portPath);
    if (rec?.active?.board === board) rec.active.running = true;
  }

  /** A queued board the station dropped (it stopped taking boards). */
  drop(board: StationBoard): void {
    const rec = this.ports.get(board.portPath);
    if (rec?.active?.board === board) rec.active = undefined;
  }

  /** The job ended. A board flashed and told to leave is watched for its return. */
  finished(board: StationBoard, ok: boolean, leaves: boolean): void {
    const rec = this.ports.get(board.portPath);
    if (rec?.active?.board !== board) return;
    rec.active = undefined;
    if (ok) this.flashed.add(board.portPath, board.serial, board.number);
    rec.after = ok && leaves ? { board } : undefined;
  }

  /** Ports with a record (for leak tests: bounded by the ports in use). */
  get size(): number {
    return this.ports.size;
  }

  private record(port: string): PortRecord {
    let rec = this.ports.get(port);
    if (rec === undefined) {
      rec = { decided: new Set() };
      this.ports.set(port, rec);
    }
    return rec;
  }

  private reviewPort(port: string, present: ListedDevice[], wanted: (d: ListedDevice) => boolean, now: number, canTake: () => boolean, out: PortDecision[]): void {
    const rec = this.record(port);
    const keys = new Set(present.map((d) => d.key));
    for (const k of [...rec.decided]) if (!keys.has(k)) rec.decided.delete(k);
    const active = rec.active;
    if (active !== undefined) {
      if (active.running || keys.has(active.board.key)) return;
      rec.active = undefined;
      out.push({ kind: 'left', board: active.board });
    }
    const after = rec.after;
    if (after !== undefined) {
      if (keys.has(after.board.key)) return; // still on its way out (leave acknowledged)
      after.goneAt ??= now;
    }
    for (const d of present) {
      if (rec.decided.has(d.key)) continue;
      rec.decided.add(d.key);
      if (rec.after !== undefined) {
        const flashed = rec.after;
        rec.after = undefined;
        if (d.mode === 'runtime') {
          out.push({ kind: 'returned', board: flashed.board, as: 'application', device: deviceSeen(d) });
          continue;
        }
        if (d.serial === flashed.board.serial && now - (flashed.goneAt ?? now) <= this.o.returnWindowMs) {
          out.push({ kind: 'returned', board: flashed.board, as: 'bootloader', device: deviceSeen(d) });
          continue;
        }
      }
      if (d.mode !== 'dfu' || !wanted(d)) continue;
      const flashedAs = this.flashed.find(port, d.serial);
      if (flashedAs !== undefined && !this.o.again) {
        out.push({ kind: 'skipped', device: deviceSeen(d), flashedAs });
        continue;
      }
      if (!canTake()) {
        rec.decided.delete(d.key); // not now: a later listing may take it
        continue;
      }
      out.push({ kind: 'take', device: d }); // the caller's take() makes it the port's active board
      return;
    }
    if (rec.active === undefined && rec.after === undefined && rec.decided.size === 0) this.ports.delete(port);
  }
}
