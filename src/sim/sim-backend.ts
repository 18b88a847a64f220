/**
 * UsbBackend over a SimBus: list() reads each attached device as a host would
 * (descriptors once per enumeration, strings every time), open() returns a
 * SimTransport.
 */
import { DfuFlashError } from '../shared/errors.js';
import type { Clock } from '../transport/clock.js';
import type { DfuDeviceInfo, DfuTransport, UsbBackend } from '../transport/types.js';
import { readDeviceInfo, readRawDescriptors } from './host-enumerate.js';
import type { SimBus } from './sim-bus.js';
import { SimTransport } from './sim-transport.js';

export class SimBackend implements UsbBackend {
  readonly name = 'sim';
  /** Simulated devices keep their port across re-enumeration, reset, and take transfers of any size. */
  readonly capabilities = { canReset: true, stablePortPaths: true };

  constructor(
    readonly bus: SimBus,
    private readonly clock: Clock,
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

  dispose(): void {
    this.bus.dispose();
  }
}
