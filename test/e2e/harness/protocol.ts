/**
 * What the Python host (umockdev_host.py), the Node sim bridge (sim-bridge.ts)
 * and the test helper (run.ts) exchange. Bytes travel as hex strings.
 *
 * Host → bridge, one JSON object per line, each with an `id`:
 *   hello                                        → { id, ok, sim }
 *   create { profile, serial?, timing?, faults?, slot?, board?, unplugOn? } → { id, dev, profile, serial, carried, descriptors }
 *        (`board` names the physical board: a later create with the same board carries its flash over)
 *   control { dev, setup, data, hostTimes? }     → { id, result: 'ack'|'stall'|'silent'|'gone', data? }
 *        (answered when the device completes: a busy device answers late; 'silent' never completes)
 *        hostTimes = { submittedAt, previousCompletedAt }: CLOCK_MONOTONIC ms (Python's time.monotonic() × 1000)
 *        of this URB's SUBMITURB and of the completion of the device's previous URB, so the device
 *        dates requests and replies as the host saw them (bwPollTimeout, early polls)
 *        (`leaves: true`: the device is off the bus once this answer is out; its bus event follows)
 *   cancel { dev, ref }                          → { id, ok }  (the host discarded URB `ref`; its answer is dropped)
 *   setInterface { dev, interface, alt }         → { id, ok }
 *   reset { dev }                                → { id, ok, gone }
 *   unplug { dev, reason }                       → { id, ok }  (the device leaves the bus: a 'disconnect' event follows)
 *   dump { path, ranges? }                       → { id, ok }  (writes a StateDump to `path`)
 * Bridge → host events (no id):
 *   { event: 'disconnect', dev, reason }
 *   { event: 'reenumerate', dev, newDev, afterMs, reason, profile, descriptors }
 *   { event: 'log', message }
 */
import type { SimFaultSpec, SimRequestName } from '../../../src/sim/faults.js';
import type { SimTiming } from '../../../src/sim/timing-variants.js';
import type { SimTranscriptEntry } from '../../../src/sim/types.js';

/** Descriptors as the host needs them to build sysfs. */
export interface WireDescriptors {
  device: string;
  configuration: string;
  /** String descriptors by index. */
  strings: Record<string, string>;
}

/** One emulated device for a run. */
export interface DeviceSpec {
  profile: string;
  serial?: string | undefined;
  /** Port below the root hub: "1", "2", or "1.4" behind a hub on port 1 (default: 1, 2, … in order). */
  port?: string | undefined;
  /** Bus number (default 1). */
  bus?: number | undefined;
  /** The device's timing set (default: the bridge's --timing, 'typical'). */
  timing?: SimTiming | undefined;
  /** Faults armed on the simulated device before the command starts (the sim's `faults.add`). */
  faults?: SimFaultSpec[] | undefined;

  // ---- the schedule: devices that arrive and leave while the command runs ----

  /**
   * The physical board. Later entries with the same name are the same board plugged in again:
   * a new enumeration (next device number, fresh device state: dfuIDLE, no claims, a new
   * transcript) that keeps the board's flash (the pages of its latest device that has any) and
   * its serial (unless this entry gives one), on the same port unless this entry gives one.
   * Default: a name of its own ("#<index>").
   */
  name?: string | undefined;
  /**
   * Plug the device in this many ms after its anchor (`plugAfter`). Absent, with no `plugAfter`,
   * on a board's first entry: the device is on the bus before the command starts.
   */
  plugAtMs?: number | undefined;
  /**
   * What `plugAtMs` and `unplugAtMs` count from. Default: 'start' for a board's first entry,
   * `{ gone: <its name> }` for a later one (the board is plugged in again after it left).
   */
  plugAfter?: PlugAnchor | undefined;
  /**
   * Unplug the device (whatever is on its port for this entry, re-enumerations included) this
   * many ms after `unplugAfter` (default: the plug anchor; then it must be later than plugAtMs).
   */
  unplugAtMs?: number | undefined;
  /** What `unplugAtMs` counts from, when not the plug anchor (default unplugAtMs: 0). Before the device arrived: as soon as it does. */
  unplugAfter?: PlugAnchor | undefined;
  /** Unplug the device when it has seen the `nth` matching request (counted over this entry's re-enumerations too). */
  unplugOn?: UnplugTrigger | undefined;
  /**
   * false: this entry's arrivals and departures send no uevent (sysfs and the device node still
   * change), as in a container that udev events do not reach. Default true.
   */
  uevents?: boolean | undefined;
}

/** What a scheduled entry's times count from. */
export type PlugAnchor =
  /** The command started. */
  | 'start'
  /** The command listens for hotplug: a process in it opened a udev monitor (libusb is initialised). */
  | 'listening'
  /** The named board (an earlier entry) left the bus: its latest earlier entry is gone, no re-enumeration pending. */
  | { gone: string }
  /** This file exists (relative to the run's scratch directory): the command says it is ready. */
  | { file: string };

export interface UnplugTrigger {
  /** Request name as the sim spells it: 'DFU_DNLOAD', 'DFU_GETSTATUS', 'GET_DESCRIPTOR', … */
  request: SimRequestName | (string & {});
  /** Which matching request (1 = the first; default 1). */
  nth?: number | undefined;
  /** Count only requests with a data stage (wLength > 0): DNLOAD blocks (and DfuSe commands), not the final zero-length DNLOAD. */
  withData?: boolean | undefined;
  /** 'after' (default): the device answers that request, then leaves. 'before': it leaves instead of answering. */
  when?: 'before' | 'after' | undefined;
}

export interface MemoryRange {
  address: number;
  length: number;
}

/** Everything the bridge knows about one simulated device at the end of a run. */
export interface WireDeviceState {
  /** Bridge id; devices that arrived by re-enumeration get new ids. */
  dev: number;
  profile: string;
  serial?: string | undefined;
  /** The device this one replaced on its port (re-enumeration). */
  replaces?: number | undefined;
  /** The DeviceSpec (index in the run's devices) this device belongs to; re-enumerated devices keep it. */
  slot?: number | undefined;
  /** The physical board (DeviceSpec.name, or "#<index>"). */
  board?: string | undefined;
  /** The flash pages it started with came from this earlier device of the same board. */
  carriedFrom?: number | undefined;
  /** The unplugOn trigger fired on this device. */
  triggered?: boolean | undefined;
  connected?: boolean | undefined;
  state?: string | undefined;
  status?: string | undefined;
  /** The sim's flash snapshot (only pages that are not erased), when it has memory. */
  snapshot?: unknown;
  /** Requested memory ranges, hex. */
  ranges: (MemoryRange & { data?: string; error?: string })[];
  eraseLog: number[];
  writeLog: MemoryRange[];
  transcript: SimTranscriptEntry[];
  earlyPolls: number;
  faultsFired: { request: string; action: unknown }[];
}

export interface StateDump {
  devices: WireDeviceState[];
  /** The bridge's performance.timeOrigin: a transcript entry's `t` + this = wall-clock ms (as BusChange.epochMs). */
  timeOriginMs?: number | undefined;
}

/** One arrival or departure on the emulated bus, as the host made it happen (the run's timeline). */
export interface BusChange {
  type: 'plug' | 'unplug';
  /** ms since the command started (negative: before it started). */
  atMs: number;
  /** Wall-clock time (Date.now() scale, sub-millisecond), to compare with what the command recorded. */
  epochMs: number;
  /** Bridge id of the device. */
  dev: number;
  /** The DeviceSpec it belongs to. */
  slot?: number | undefined;
  bus: number;
  port: string;
  devnum: number;
  /** Whether a uevent announced it (see DeviceSpec.uevents). */
  uevent: boolean;
  /** Why it left (unplug). */
  reason?: string | undefined;
}
