/**
 * A simulated USB bus: devices sit on ports ("1-1", "1-2", …) and get a new
 * device address each time they enumerate, as a host assigns them. The bus
 * follows the devices' own bus events: `disconnect` empties the port,
 * `reenumerate` empties it and plugs the new device in after `afterMs` on the clock.
 */
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

export class SimBus {
  private readonly ports = new Map<string, SimAttachment | undefined>();
  private readonly latest = new Map<string, SimDevice>();
  private readonly unsubscribers = new Map<SimDevice, () => void>();
  private nextAddress = 2; // address 1 is the root hub
  private nextPort = 1;
  private disposed = false;
  /** Arrivals and departures, in order. */
  readonly log: SimBusLogEntry[] = [];

  constructor(
    private readonly clock: Clock,
    readonly busNumber = 1,
  ) {}

  /** Plug a device into `port` (default: the next free port). */
  plug(device: SimDevice, port?: string): SimAttachment {
    const path = port ?? `${this.busNumber}-${this.nextPort++}`;
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
    this.log.push({ t: this.clock.now(), type: 'attach', port: path, profile: device.profile, deviceAddress });
    const off = device.onBusEvent((e) => this.onEvent(a, e));
    this.unsubscribers.set(device, off);
    return a;
  }

  /** Pull the device out of `port`. */
  unplug(port: string, reason = 'unplugged'): void {
    this.ports.get(port)?.device.unplug(reason);
  }

  private detach(a: SimAttachment, reason: string): void {
    if (this.ports.get(a.port) !== a) return;
    this.ports.set(a.port, undefined);
    this.unsubscribers.get(a.device)?.();
    this.unsubscribers.delete(a.device);
    this.log.push({
      t: this.clock.now(),
      type: 'detach',
      port: a.port,
      profile: a.device.profile,
      deviceAddress: a.deviceAddress,
      reason,
    });
  }

  private onEvent(a: SimAttachment, e: SimBusEvent): void {
    this.detach(a, e.reason);
    if (e.type !== 'reenumerate') return;
    const next = e.device as SimDevice;
    void this.clock.sleep(e.afterMs).then(() => {
      if (this.disposed || this.ports.get(a.port) !== undefined) return;
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

  /** Stop following the devices (pending re-enumerations are dropped). */
  dispose(): void {
    this.disposed = true;
    for (const off of this.unsubscribers.values()) off();
    this.unsubscribers.clear();
  }
}
