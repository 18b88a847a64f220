/** dfu-util's `-p` format: bus, dash, port numbers from the root hub joined by dots ("1-1.4"). */
export function formatPortPath(busNumber: number, portNumbers: readonly number[]): string {
  return portNumbers.length === 0 ? String(busNumber) : `${busNumber}-${portNumbers.join('.')}`;
}

/** The backend key of a libusb device: stable while it stays plugged in. */
export function deviceKey(portPath: string, deviceAddress: number): string {
  return `usb:${portPath}:${deviceAddress}`;
}
