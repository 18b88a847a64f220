/**
 * A USBDevice-shaped object over a simulated device: what Chromium's WebUSB
 * gives a page, with Chromium's checks and wording (dom-errors.ts). Control
 * transfers go to SimDevice.control through a host-like EP0 pipe (ep0-pipe.ts);
 * a stall resolves with `status: 'stall'`, a device that left rejects with
 * NotFoundError, a silent device never answers. `interfaceName` is null for
 * every alt setting, as Chromium on Linux gives it.
 */
import { parseConfigurationDescriptor, parseDeviceDescriptor } from '../../transport/descriptors/parse.js';
import type { WebUsbAlternate, WebUsbConfiguration, WebUsbControlSetup, WebUsbDevice, WebUsbInResult, WebUsbInterface, WebUsbOutResult } from '../../transport/webusb/webusb-types.js';
import { fromWebUsbSetup } from '../../transport/webusb/setup.js';
import type { SimDevice } from '../sim-device.js';
import type { SimControlResult } from '../types.js';
import * as dom from './dom-errors.js';
import { Ep0Pipe } from './ep0-pipe.js';

const SET_CONFIGURATION = { bmRequestType: 0x00, bRequest: 9, wIndex: 0, wLength: 0 };

function view(bytes: Uint8Array | undefined): DataView {
  const copy = bytes === undefined ? new Uint8Array(0) : bytes.slice();
  return new DataView(copy.buffer, copy.byteOffset, copy.byteLength);
}

function bytesOf(data: Uint8Array | ArrayBuffer | DataView | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
}

export class FakeUsbDevice implements WebUsbDevice {
  readonly usbVersionMajor: number;
  readonly usbVersionMinor: number;
  readonly usbVersionSubminor: number;
  readonly deviceClass: number;
  readonly deviceSubclass: number;
  readonly deviceProtocol: number;
  readonly vendorId: number;
  readonly productId: number;
  readonly deviceVersionMajor: number;
  readonly deviceVersionMinor: number;
  readonly deviceVersionSubminor: number;
  readonly manufacturerName: string | null;
  readonly productName: string | null;
  readonly serialNumber: string | null;
  readonly configurations: readonly WebUsbConfiguration[];
  private configurationValue: number | undefined;
  private isOpen = false;
  private attached = true;
  private readonly claims = new Set<number>();
  private readonly alternates = new Map<number, number>();
  private readonly pipe = new Ep0Pipe();

  constructor(readonly sim: SimDevice) {
    const d = sim.descriptors();
    const dev = parseDeviceDescriptor(d.device);
    const config = parseConfigurationDescriptor(d.configuration);
    const nibbles = (bcd: number): [number, number, number] => [bcd >> 8, (bcd >> 4) & 0xf, bcd & 0xf];
    [this.usbVersionMajor, this.usbVersionMinor, this.usbVersionSubminor] = nibbles(dev.bcdUSB);
    [this.deviceVersionMajor, this.deviceVersionMinor, this.deviceVersionSubminor] = nibbles(dev.bcdDevice);
    this.deviceClass = dev.bDeviceClass;
    this.deviceSubclass = dev.bDeviceSubClass;
    this.deviceProtocol = dev.bDeviceProtocol;
    this.vendorId = dev.idVendor;
    this.productId = dev.idProduct;
    const str = (i: number): string | null => (i === 0 ? null : (d.strings[i] ?? null));
    this.manufacturerName = str(dev.iManufacturer);
    this.productName = str(dev.iProduct);
    this.serialNumber = str(dev.iSerialNumber);
    // the kernel selects the first configuration when the device arrives
    this.configurationValue = config.configurationValue;
    const numbers = [...new Set(config.interfaces.map((i) => i.interfaceNumber))];
    const self = this;
    const interfaces: WebUsbInterface[] = numbers.map((n) => {
      const alternates: WebUsbAlternate[] = config.interfaces
        .filter((i) => i.interfaceNumber === n)
        .map((i) => ({
          alternateSetting: i.alternateSetting,
          interfaceClass: i.interfaceClass,
          interfaceSubclass: i.interfaceSubClass,
          interfaceProtocol: i.interfaceProtocol,
          interfaceName: null,
        }));
      return {
        interfaceNumber: n,
        alternates,
        get alternate() {
          const alt = self.alternates.get(n) ?? 0;
          return alternates.find((a) => a.alternateSetting === alt) ?? alternates[0]!;
        },
        get claimed() {
          return self.claims.has(n);
        },
      };
    });
    this.configurations = [{ configurationValue: config.configurationValue, configurationName: null, interfaces }];
  }

  get opened(): boolean {
    return this.isOpen && this.attached;
  }

  get configuration(): WebUsbConfiguration | null {
    return this.configurations.find((c) => c.configurationValue === this.configurationValue) ?? null;
  }

  /** Still on the bus (false after a leave, detach, reset into the application, unplug). */
  get connected(): boolean {
    return this.attached;
  }

  /** Called by the fake bus when the device leaves: pending transfers fail as Chromium fails them. */
  markGone(): void {
    if (!this.attached) return;
    this.attached = false;
    this.isOpen = false;
    this.claims.clear();
    this.pipe.abort(dom.disconnected);
  }

  private requireOpen(): void {
    if (!this.attached) throw dom.disconnected();
    if (!this.isOpen) throw dom.notOpened();
  }

  private interfaceOf(n: number): WebUsbInterface {
    const c = this.configuration;
    if (c === null) throw dom.noConfiguration();
    const intf = c.interfaces.find((i) => i.interfaceNumber === n);
    if (intf === undefined) throw dom.noSuchInterface();
    return intf;
  }

  private checkSetup(setup: WebUsbControlSetup): void {
    this.requireOpen();
    if (setup.recipient === 'interface') {
      const n = setup.index & 0xff;
      this.interfaceOf(n);
      if (!this.claims.has(n)) throw dom.notClaimed();
    }
  }

  private send(setup: WebUsbControlSetup, directionIn: boolean, length: number, data?: Uint8Array): Promise<SimControlResult | undefined> {
    const packet = fromWebUsbSetup(setup, directionIn, length);
    return this.pipe.submit(
      () => this.sim.control(packet, data),
      (r) => {
        if (r.kind === 'gone') throw dom.disconnected();
        return r;
      },
    );
  }

  async open(): Promise<void> {
    if (!this.attached) throw dom.disconnected();
    this.isOpen = true;
  }

  async close(): Promise<void> {
    if (!this.attached) throw dom.disconnected();
    if (!this.isOpen) return;
    for (const n of this.claims) this.sim.release(n, this);
    this.claims.clear();
    this.isOpen = false;
    this.pipe.abort(dom.cancelled);
  }

  async selectConfiguration(configurationValue: number): Promise<void> {
    this.requireOpen();
    if (!this.configurations.some((c) => c.configurationValue === configurationValue)) throw dom.noSuchConfiguration();
    if (this.configurationValue === configurationValue) return;
    for (const n of this.claims) this.sim.release(n, this);
    this.claims.clear();
    const r = await this.pipe.submit(() => this.sim.control({ ...SET_CONFIGURATION, wValue: configurationValue }), (x) => x);
    if (r.kind !== 'ack') throw r.kind === 'gone' ? dom.disconnected() : dom.domError('NetworkError', 'Unable to set device configuration.');
    this.configurationValue = configurationValue;
  }

  async claimInterface(interfaceNumber: number): Promise<void> {
    this.requireOpen();
    this.interfaceOf(interfaceNumber);
    const r = this.sim.claim(interfaceNumber, this);
    if (r === 'gone') throw dom.disconnected();
    if (r !== 'ok') throw dom.claimFailed();
    this.claims.add(interfaceNumber);
    this.alternates.set(interfaceNumber, 0);
  }

  async releaseInterface(interfaceNumber: number): Promise<void> {
    this.requireOpen();
    this.interfaceOf(interfaceNumber);
    if (!this.claims.delete(interfaceNumber)) return;
    this.sim.release(interfaceNumber, this);
  }

  async selectAlternateInterface(interfaceNumber: number, alternateSetting: number): Promise<void> {
    this.requireOpen();
    const intf = this.interfaceOf(interfaceNumber);
    if (!this.claims.has(interfaceNumber)) throw dom.notClaimed();
    if (!intf.alternates.some((a) => a.alternateSetting === alternateSetting)) throw dom.noSuchAlternate();
    if (!this.sim.setAltSetting(interfaceNumber, alternateSetting)) throw this.attached && this.sim.connected ? dom.setInterfaceFailed() : dom.disconnected();
    this.alternates.set(interfaceNumber, alternateSetting);
  }

  async controlTransferIn(setup: WebUsbControlSetup, length: number): Promise<WebUsbInResult> {
    this.checkSetup(setup);
    const r = await this.send(setup, true, length);
    if (r?.kind === 'stall') return { status: 'stall', data: view(undefined) };
    const data = r?.kind === 'ack' ? r.data : undefined;
    if (data !== undefined && data.length > length) return { status: 'babble', data: view(data) };
    return { status: 'ok', data: view(data) };
  }

  async controlTransferOut(setup: WebUsbControlSetup, data?: Uint8Array | ArrayBuffer | DataView): Promise<WebUsbOutResult> {
    this.checkSetup(setup);
    const bytes = bytesOf(data);
    const r = await this.send(setup, false, bytes.length, bytes);
    if (r?.kind === 'stall') return { status: 'stall', bytesWritten: 0 };
    return { status: 'ok', bytesWritten: bytes.length };
  }

  async reset(): Promise<void> {
    this.requireOpen();
    this.pipe.abort(dom.cancelled);
    this.sim.busReset();
    if (!this.sim.connected) throw dom.disconnected();
  }

  /** Revokes the page's permission (the fake bus decides what that means). */
  forget: () => Promise<void> = async () => undefined;
}
