/**
 * A simulated USB bus: devices sit on ports ("1-1", "1-2", …) and get a new
 * device address each time they enumerate, as a host assigns them. The bus
 * follows the devices' own bus events: `disconnect` empties the port,
 * `reenumerate` empties it and plugs the new device in after `afterMs` on the
 * clock. Watchers hear every arrival and departure, after the bus shows it.
 *
 * Bookkeeping stays bounded however long it runs: per port (not per
 * enumeration) for ports and re-enumerations in flight, per attached device
 * for subscriptions, and the log keeps the last `logLimit` entries.
 */
import { DfuFlashError } from '../shared/errors.js';
import type { Clock } from '../transport/clock.js';
import type { SimBusEvent } from './types.js';
import type { SimDevice } from './sim-device.js';
import type { RawDescriptors } from './host-enumerate.js';

export interface SimAttachment {
  port: string;
  device: SimDevice;
  busNumber: number;
  deviceAddress: number;
  /** Backend key, unique per enumeration: "sim:<port>:<address>". */
  key: string;
  /** Descriptors read at enumeration (the kernel's cache). */
  raw?: RawDescriptors | undefined;
}

export interface SimBusLogEntry {
  t: number;
  type: 'attach' | 'detach';
  port: string;
  profile: string;
  deviceAddress: number;
  reason?: string | undefined;
}

export interface SimBusOptions {
  /** How many log entries to keep (the oldest go first; default 1000). */
  logLimit?: number | undefined;
}

/** Sizes of the bus's internal maps, for leak tests. */
export interface SimBusStats {
  ports: number;
  attached: number;
  /** Re-enumerations waiting to arrive. */
  arriving: number;
  /** Device subscriptions the bus holds (one per attached device). */
  subscriptions: number;
  watchers: number;
  log: number;
}

const DEFAULT_LOG_LIMIT = 1000;

export class SimBus {
  private readonly ports = new Map<string, SimAttachment | undefined>();
  private readonly latest = new Map<string, SimDevice>();
  private readonly unsubscribers = new Map<SimDevice, () => void>();
  /** Port → the device that re-enumerates onto it after its afterMs. */
  private readonly arriving = new Map<string, SimDevice>();
  private readonly watchers = new Set<(entry: SimBusLogEntry) => void>();
  private readonly logLimit: number;
  private nextAddress = 2; // address 1 is the root hub
  private nextPort = 1;
  private disposed = false;
  /** Arrivals and departures, in order (the last `logLimit`). */
  readonly log: SimBusLogEntry[] = [];

  constructor(
    private readonly clock: Clock,
    readonly busNumber = 1,
    options: SimBusOptions = {},
  ) {
    this.logLimit = Math.max(1, options.logLimit ?? DEFAULT_LOG_LIMIT);
  }

  /**
   * Plug a device into `port` (default: the next free port). A port holds one
   * device: plugging into a taken one is a USAGE error. A re-enumeration still
   * on its way to this port is dropped (that board was pulled out meanwhile).
   */
  plug(device: SimDevice, port?: string): SimAttachment {
    let path = port;
    if (path === undefined) {
      do path = `${this.busNumber}-${this.nextPort++}`;
      while (this.ports.get(path) !== undefined || this.arriving.has(path));
    }
    const present = this.port(path);
    if (present !== undefined) {
      throw new DfuFlashError('USAGE', `simulated port ${path} already holds ${present.device.profile} (address ${present.deviceAddress})`, {
        hint: 'unplug it first (backend.unplug(port)), or plug into another port',
        details: { port: path },
      });
    }
    if (this.unsubscribers.has(device)) {
      throw new DfuFlashError('USAGE', `simulated ${device.profile} is already on this bus`, { hint: 'create a new device for each board' });
    }
    this.arriving.delete(path);
    const deviceAddress = this.nextAddress;
    this.nextAddress = this.nextAddress >= 127 ? 2 : this.nextAddress + 1;
    const a: SimAttachment = {
      port: path,
      device,
      busNumber: this.busNumber,
      deviceAddress,
      key: `sim:${path}:${deviceAddress}`,
    };
    this.ports.set(path, a);
    this.latest.set(path, device);
    const off = device.onBusEvent((e) => this.onEvent(a, e));
    this.unsubscribers.set(device, off);
    this.record({ t: this.clock.now(), type: 'attach', port: path, profile: device.profile, deviceAddress });
    return a;
  }

  /** Pull the device out of `port`; a re-enumeration on its way there never arrives. */
  unplug(port: string, reason = 'unplugged'): void {
    this.arriving.delete(port);
    this.ports.get(port)?.device.unplug(reason);
  }

  /**
   * Call `listener` after every arrival and departure (synchronously, once the
   * bus shows it). Returns the function that stops; dispose() stops all.
   */
  watch(listener: (entry: SimBusLogEntry) => void): () => void {
    const entry = (e: SimBusLogEntry): void => listener(e);
    this.watchers.add(entry);
    return () => {
      this.watchers.delete(entry);
    };
  }

  stats(): SimBusStats {
    return {
      ports: this.ports.size,
      attached: this.attached().length,
      arriving: this.arriving.size,
      subscriptions: this.unsubscribers.size,
      watchers: this.watchers.size,
      log: this.log.length,
    };
  }

  private record(entry: SimBusLogEntry): void {
    this.log.push(entry);
    if (this.log.length > this.logLimit) this.log.splice(0, this.log.length - this.logLimit);
    for (const w of [...this.watchers]) if (this.watchers.has(w)) w(entry);
  }

  private detach(a: SimAttachment, reason: string): void {
    if (this.ports.get(a.port) !== a) return;
    this.ports.set(a.port, undefined);
    this.unsubscribers.get(a.device)?.();
    this.unsubscribers.delete(a.device);
    this.record({
      t: this.clock.now(),
      type: 'detach',
      port: a.port,
      profile: a.device.profile,
      deviceAddress: a.deviceAddress,
      reason,
    });
  }

  private onEvent(a: SimAttachment, e: SimBusEvent): void {
    const mine = this.ports.get(a.port) === a;
    this.detach(a, e.reason);
    if (e.type !== 'reenumerate' || !mine || this.disposed) return;
    const next = e.device as SimDevice;
    this.arriving.set(a.port, next);
    void this.clock.sleep(e.afterMs).then(() => {
      if (this.disposed || this.arriving.get(a.port) !== next) return;
      this.arriving.delete(a.port);
      if (this.ports.get(a.port) !== undefined) return;
      this.plug(next, a.port);
    });
  }

  /** The last device seen on each port (attached or not), in port order. */
  get devices(): SimDevice[] {
    return [...this.latest.values()];
  }

  /** Devices on the bus now. */
  attached(): SimAttachment[] {
    const out: SimAttachment[] = [];
    for (const a of this.ports.values()) {
      if (a !== undefined && a.device.connected) out.push(a);
    }
    return out.filter((a) => this.ports.get(a.port) === a);
  }

  find(key: string): SimAttachment | undefined {
    return this.attached().find((a) => a.key === key);
  }

  port(path: string): SimAttachment | undefined {
    const a = this.ports.get(path);
    return a !== undefined && a.device.connected && this.ports.get(path) === a ? a : undefined;
  }

  /** Stop following the devices (pending re-enumerations are dropped) and drop every watcher. */
  dispose(): void {
    this.disposed = true;
    for (const off of this.unsubscribers.values()) off();
    this.unsubscribers.clear();
    this.arriving.clear();
    this.watchers.clear();
  }
}
