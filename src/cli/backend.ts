/**
 * The default backend factory: libusb, or simulated devices for --simulate.
 * Both are loaded on demand, so commands that fail validation never load them.
 */
import { DfuFlashError } from '../shared/errors.js';
import type { UsbBackend } from '../transport/types.js';
import type { BackendRequest } from './io.js';

export async function createDefaultBackend(request: BackendRequest): Promise<UsbBackend> {
  if (request.kind === 'usb') {
    const { createUsbBackend } = await import('../transport/usb/index.js');
    return createUsbBackend();
  }
  const { createSimBackend, SIM_PROFILES } = await import('../sim/index.js');
  const known = SIM_PROFILES.map((p) => p.name);
  const unknown = request.profiles.filter((p) => !known.includes(p));
  if (unknown.length > 0) {
    throw new DfuFlashError('USAGE', `unknown simulation profile${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, {
      hint: `known profiles: ${known.join(', ')}`,
      details: { profiles: request.profiles, known },
    });
  }
  return createSimBackend(request.profiles, { clock: request.clock, timeScale: request.timeScale });
}
