/**
 * Runtime-mode DFU interfaces that come with things nobody flashes with us: a
 * Mac's Bluetooth controller, webcams' "Camera DFU Device", audio interfaces.
 * They are listed, but never picked unless the user names them.
 */
import type { DfuAltSetting, DfuDeviceInfo } from '../transport/types.js';
import type { DeviceSelector } from './types.js';

const UNRELATED_IDS: { vendorId: number; productId?: number; what: string }[] = [
  { vendorId: 0x05ac, what: 'Apple built-in controller (e.g. Bluetooth 05ac:8290)' },
  { vendorId: 0x0bda, productId: 0x5517, what: 'Realtek webcam "Camera DFU Device"' },
];

const UNRELATED_NAMES = /\b(camera|webcam|bluetooth)\b/i;

export function isUnrelatedRuntime(device: DfuDeviceInfo, alt: DfuAltSetting): boolean {
  if (UNRELATED_IDS.some((u) => u.vendorId === device.vendorId && (u.productId === undefined || u.productId === device.productId))) return true;
  return UNRELATED_NAMES.test(alt.name ?? '') || UNRELATED_NAMES.test(device.product ?? '');
}

/** Did the user point at a runtime device explicitly (ids, serial, port, address)? */
export function namesRuntimeDevice(sel: DeviceSelector): boolean {
  return (
    (sel.runtimeIds !== null && sel.runtimeIds !== undefined && (sel.runtimeIds.vendorId !== undefined || sel.runtimeIds.productId !== undefined)) ||
    (sel.runtimeSerial !== undefined && sel.runtimeSerial !== '') ||
    sel.path !== undefined ||
    sel.devnum !== undefined
  );
}
