import type { Target } from './select.js';
import type { DeviceSummary } from './types.js';

export function summarize(target: Target): DeviceSummary {
  return {
    vendorId: target.device.vendorId,
    productId: target.device.productId,
    serial: target.device.serial,
    portPath: target.device.portPath,
    mode: target.mode,
    interfaceNumber: target.alt.interfaceNumber,
    alternateSetting: target.alt.alternateSetting,
    altName: target.alt.name,
  };
}
