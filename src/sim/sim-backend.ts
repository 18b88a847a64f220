/**
 * UsbBackend over a SimBus: list() reads each attached device as a host would
 * (descriptors once per enumeration, strings every time), open() returns a
 * SimTransport, watch() follows the bus's arrivals and departures. plug() and
 * unplug() let a test (or a demo) put boards on the bus while something runs:
 *
 *   const backend = createSimBackend([], { clock });
 *   const stop = backend.watch(() => void relist());
 *   const board = backend.plug('stm32f4-sysboot', { port: '1-3' });
 *   backend.unplug('1-3');
 *   backend.plug('stm32f4-sysboot', { port: '1-3', serial: board.serial, flash: board.snapshot() }); // the same board again
 */
import { DfuFlashError } from '../shared/errors.js';
import type { Clock } from '../transport/clock.js';
import type { DfuDeviceInfo, DfuTransport, UsbBackend } from '../transport/types.js';
import type { SimFlashSnapshot } from './flash.js';
import { readDeviceInfo, readRawDescriptors } from './host-enumerate.js';
import type { SimBus } from './sim-bus.js';
import type { SimDevice } from './sim-device.js';
import { SimTransport } from './sim-transport.js';

/** Builds a device of `profile` on the backend's clock and time scale; the serial defaults per the factory. */
export type SimDeviceFactory = (profile: string, serial: string | undefined) => SimDevice;

export interface SimPlugOptions {
  /** Bus path, e.g. "1-3" (default: the next free port). */
  port?: string | undefined;
  /** Default: the profile's, made distinct for a profile already plugged in on this backend. */
  serial?: string | undefined;
  /** Flash to start with (SimDevice.snapshot() of the same board earlier). */
  flash?: SimFlashSnapshot | undefined;
}

export class SimBackend implements UsbBackend {
  readonly name = 'sim';
  /** Simulated devices keep their port across re-enumeration, reset, and take transfers of any size. */
  readonly capabilities = { canReset: true, stablePortPaths: true };
  private readonly watchers = new Set<() => void>();
  private stopBusWatch: (() => void) | undefined;
  private notifying = false;

  constructor(
    readonly bus: SimBus,
    private readonly clock: Clock,
    private readonly factory?: SimDeviceFactory,
  ) {}

  async list(): Promise<DfuDeviceInfo[]> {
    const out: DfuDeviceInfo[] = [];
    for (const a of this.bus.attached()) {
      try {
        a.raw ??= await readRawDescriptors(a.device);
        const where = { key: a.key, busNumber: a.busNumber, deviceAddress: a.deviceAddress, portPath: a.port };
        const info = await readDeviceInfo(a.device, a.raw, where);
        out.push(info);
      } catch {
        // a device that cannot be read is left out, as a host would skip it
      }
    }
    return out;
  }

  async open(device: DfuDeviceInfo): Promise<DfuTransport> {
    const a = this.bus.find(device.key);
    if (a === undefined) {
      throw new DfuFlashError('DEVICE_GONE', `simulated device ${device.key} (port ${device.portPath}) is no longer on the bus`, {
        hint: 'it left the bus after it was listed (reset, detach or leave); list the devices again',
        details: { key: device.key, portPath: device.portPath },
      });
    }
    return new SimTransport(a.device, device, this.clock);
  }

  /**
   * `onChange` runs after devices arrived or left (on a microtask, once per
   * burst: a synchronous unplug-and-plug is one call); list() then shows it.
   */
  watch(onChange: () => void): () => void {
    const entry = (): void => onChange();
    this.watchers.add(entry);
    this.stopBusWatch ??= this.bus.watch(() => this.changed());
    return () => {
      this.watchers.delete(entry);
      if (this.watchers.size === 0) this.release();
    };
  }

  /** Watchers now (0: the backend holds no subscription on the bus). */
  get watcherCount(): number {
    return this.watchers.size;
  }

  /** A new device of `profile` on the bus; returns it (for assertions, or to plug the same board in again later). */
  plug(profile: string, options: SimPlugOptions = {}): SimDevice {
    if (this.factory === undefined) {
      throw new DfuFlashError('USAGE', 'this simulated backend cannot create devices', { hint: 'use createSimBackend(), or bus.plug(device)' });
    }
    const device = this.factory(profile, options.serial);
    if (options.flash !== undefined) device.restore(options.flash);
    this.bus.plug(device, options.port);
    return device;
  }

  /** Pull the device out of `port` (bus path, e.g. "1-3"); nothing there is not an error. */
  unplug(port: string, reason = 'unplugged'): void {
    this.bus.unplug(port, reason);
  }

  dispose(): void {
    this.watchers.clear();
    this.release();
    this.bus.dispose();
  }

  private release(): void {
    this.stopBusWatch?.();
    this.stopBusWatch = undefined;
  }

  private changed(): void {
    if (this.notifying) return;
    this.notifying = true;
    queueMicrotask(() => {
      this.notifying = false;
      for (const w of [...this.watchers]) if (this.watchers.has(w)) w();
    });
  }
}
