/**
 * A `navigator.usb`-shaped object over simulated devices: a bus that follows
 * the devices' own leaves and re-enumerations (each arrival a new USBDevice
 * object, as in a browser), `connect` / `disconnect` events for the devices
 * the page may see, and Chromium's permission model:
 *
 *   - `granted` says what the page may use before anyone is asked: 'all' (a
 *     policy such as WebUsbAllowDevicesForUrls for every device, the default),
 *     'none', or filters (that policy for some devices);
 *   - requestDevice() asks the `chooser` (the user) and grants the device it picks;
 *   - a grant for a device with a serial number holds for that VID, PID and
 *     serial, so the same device reappearing is granted again; a grant for a
 *     device without one ends when it leaves.
 */
import type { Clock } from '../../transport/clock.js';
import { systemClock } from '../../transport/clock.js';
import type { WebUsb, WebUsbConnectionEvent, WebUsbDeviceFilter, WebUsbEventListener, WebUsbRequestOptions } from '../../transport/webusb/webusb-types.js';
import type { SimDevice } from '../sim-device.js';
import * as dom from './dom-errors.js';
import { FakeUsbDevice } from './fake-device.js';

export type FakeChooser = 'first' | 'cancel' | ((candidates: FakeUsbDevice[]) => FakeUsbDevice | undefined);

export interface FakeWebUsbOptions {
  granted?: 'all' | 'none' | WebUsbDeviceFilter[] | undefined;
  chooser?: FakeChooser | undefined;
  /** requestDevice needs a user gesture, as in browsers (default: when navigator.userActivation tells). */
  requireUserGesture?: boolean | undefined;
  clock?: Clock | undefined;
}

/** Does `device` match `filter` (WebUSB §"match a device filter")? */
export function matchesFilter(device: FakeUsbDevice, filter: WebUsbDeviceFilter): boolean {
  if (filter.vendorId !== undefined && device.vendorId !== filter.vendorId) return false;
  if (filter.productId !== undefined && device.productId !== filter.productId) return false;
  if (filter.serialNumber !== undefined && device.serialNumber !== filter.serialNumber) return false;
  if (filter.classCode === undefined) return true;
  const classes = [
    { c: device.deviceClass, s: device.deviceSubclass, p: device.deviceProtocol },
    ...device.configurations.flatMap((cfg) => cfg.interfaces.flatMap((i) => i.alternates.map((a) => ({ c: a.interfaceClass, s: a.interfaceSubclass, p: a.interfaceProtocol })))),
  ];
  return classes.some(
    (k) => k.c === filter.classCode && (filter.subclassCode === undefined || k.s === filter.subclassCode) && (filter.protocolCode === undefined || k.p === filter.protocolCode),
  );
}

const identity = (d: FakeUsbDevice): string | undefined => (d.serialNumber === null ? undefined : `${d.vendorId}:${d.productId}:${d.serialNumber}`);

export class FakeUsb implements WebUsb {
  onconnect: ((e: WebUsbConnectionEvent) => void) | null = null;
  ondisconnect: ((e: WebUsbConnectionEvent) => void) | null = null;
  private readonly attachedDevices: FakeUsbDevice[] = [];
  private readonly listeners = new Map<string, Set<WebUsbEventListener>>();
  private readonly grantedIds = new Set<string>();
  private readonly grantedObjects = new WeakSet<FakeUsbDevice>();
  private readonly clock: Clock;
  /** Every device that was ever on the bus, in arrival order (re-enumerated ones included). */
  readonly history: FakeUsbDevice[] = [];
  /** connect/disconnect events as dispatched, for assertions. */
  readonly events: { type: 'connect' | 'disconnect'; profile: string; serial: string | null }[] = [];

  constructor(private readonly options: FakeWebUsbOptions = {}) {
    this.clock = options.clock ?? systemClock;
  }

  /** Put a simulated device on the bus; `announce` fires `connect` (not for devices there before the page). */
  plug(sim: SimDevice, announce = true): FakeUsbDevice {
    const device = new FakeUsbDevice(sim);
    device.forget = async () => {
      const id = identity(device);
      if (id !== undefined) this.grantedIds.delete(id);
      this.grantedObjects.delete(device);
    };
    this.attachedDevices.push(device);
    this.history.push(device);
    const off = sim.onBusEvent((e) => {
      off();
      this.detach(device);
      if (e.type === 'reenumerate') void this.clock.sleep(e.afterMs).then(() => this.plug(e.device as SimDevice));
    });
    if (announce && this.isGranted(device)) this.dispatch('connect', device);
    return device;
  }

  /** Pull a device out (the simulated device leaves the bus, which detaches it here). */
  unplug(device: FakeUsbDevice, reason = 'unplugged'): void {
    device.sim.unplug(reason);
  }

  private detach(device: FakeUsbDevice): void {
    const i = this.attachedDevices.indexOf(device);
    if (i < 0) return;
    this.attachedDevices.splice(i, 1);
    const visible = this.isGranted(device);
    device.markGone();
    this.grantedObjects.delete(device);
    if (visible) this.dispatch('disconnect', device);
  }

  get attached(): readonly FakeUsbDevice[] {
    return this.attachedDevices;
  }

  isGranted(device: FakeUsbDevice): boolean {
    const g = this.options.granted ?? 'all';
    if (g === 'all') return true;
    if (g !== 'none' && g.some((f) => matchesFilter(device, f))) return true;
    const id = identity(device);
    return this.grantedObjects.has(device) || (id !== undefined && this.grantedIds.has(id));
  }

  grant(device: FakeUsbDevice): void {
    this.grantedObjects.add(device);
    const id = identity(device);
    if (id !== undefined) this.grantedIds.add(id);
  }

  async getDevices(): Promise<FakeUsbDevice[]> {
    return this.attachedDevices.filter((d) => this.isGranted(d));
  }

  async requestDevice(options: WebUsbRequestOptions): Promise<FakeUsbDevice> {
    if (options === undefined || !Array.isArray(options.filters)) {
      throw new TypeError("Failed to execute 'requestDevice' on 'USB': required member filters is undefined.");
    }
    const activation = (globalThis as { navigator?: { userActivation?: { isActive: boolean } } }).navigator?.userActivation;
    const needGesture = this.options.requireUserGesture ?? activation !== undefined;
    if (needGesture && activation?.isActive !== true) throw dom.noUserGesture();
    const candidates = this.attachedDevices.filter(
      (d) =>
        (options.filters.length === 0 || options.filters.some((f) => matchesFilter(d, f))) &&
        !(options.exclusionFilters ?? []).some((f) => matchesFilter(d, f)),
    );
    const chooser = this.options.chooser ?? 'first';
    const picked = chooser === 'cancel' ? undefined : chooser === 'first' ? candidates[0] : chooser(candidates);
    if (picked === undefined || !candidates.includes(picked)) throw dom.noDeviceSelected();
    this.grant(picked);
    return picked;
  }

  addEventListener(type: 'connect' | 'disconnect', listener: WebUsbEventListener): void {
    let set = this.listeners.get(type);
    if (set === undefined) this.listeners.set(type, (set = new Set()));
    set.add(listener);
  }

  removeEventListener(type: 'connect' | 'disconnect', listener: WebUsbEventListener): void {
    this.listeners.get(type)?.delete(listener);
  }

  private dispatch(type: 'connect' | 'disconnect', device: FakeUsbDevice): void {
    this.events.push({ type, profile: device.sim.profile, serial: device.serialNumber });
    const event: WebUsbConnectionEvent = { type, device };
    const handler = type === 'connect' ? this.onconnect : this.ondisconnect;
    for (const l of [...(this.listeners.get(type) ?? [])]) {
      try {
        l(event);
      } catch (e) {
        // a listener's exception must not stop the others (as with DOM events)
        setTimeout(() => {
          throw e;
        }, 0);
      }
    }
    handler?.(event);
  }
}
