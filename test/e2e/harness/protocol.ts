/**
 * What the Python host (umockdev_host.py), the Node sim bridge (sim-bridge.ts)
 * and the test helper (run.ts) exchange. Bytes travel as hex strings.
 *
 * Host → bridge, one JSON object per line, each with an `id`:
 *   hello                                        → { id, ok, sim }
 *   create { profile, serial?, faults?, options? } → { id, dev, profile, descriptors }
 *   control { dev, setup, data }                 → { id, result: 'ack'|'stall'|'silent'|'gone', data? }
 *        (answered when the device completes: a busy device answers late; 'silent' never completes)
 *   cancel { dev, ref }                          → { id, ok }  (the host discarded URB `ref`; its answer is dropped)
 *   setInterface { dev, interface, alt }         → { id, ok }
 *   reset { dev }                                → { id, ok, gone }
 *   dump { path, ranges? }                       → { id, ok }  (writes a StateDump to `path`)
 * Bridge → host events (no id):
 *   { event: 'disconnect', dev, reason }
 *   { event: 'reenumerate', dev, newDev, afterMs, reason, profile, descriptors }
 *   { event: 'log', message }
 */
import type { SimFaultSpec } from '../../../src/sim/faults.js';
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
  /** Faults armed on the simulated device before the command starts (the sim's `faults.add`). */
  faults?: SimFaultSpec[] | undefined;
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
}
