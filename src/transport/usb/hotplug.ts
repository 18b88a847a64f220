/**
 * Hotplug events from the `usb` 2.x package: its `attach` / `detach` events,
 * which wrap libusb_hotplug_register_callback. Adding the first listener makes
 * node-usb register with libusb and hold the event loop open; removing the
 * last one deregisters and lets go. Loaded lazily by index.ts, like
 * node-usb-device.ts.
 *
 * Where libusb has no hotplug support (`_supportedHotplugEvents()` false),
 * node-usb would fall back to polling on a timer of its own that outlives the
 * last listener by one period; `native` is false then and nothing here
 * listens: HotplugWatch polls the device list itself.
 */
import type * as UsbPackage from 'usb';

type UsbBindings = typeof UsbPackage.usb;

export type HotplugEventType = 'attach' | 'detach';

/** A USB stack's own arrival and departure events. */
export interface RawHotplug {
  /** The stack reports arrivals and departures itself (libusb: LIBUSB_CAP_HAS_HOTPLUG). */
  readonly native: boolean;
  /** Listen to them (only when `native`); returns the function that stops listening. */
  listen(onEvent: (type: HotplugEventType) => void): () => void;
}

/** The hotplug events of a loaded `usb` package (its ES-module namespace, or its CommonJS exports). */
export function nodeUsbHotplug(loaded: unknown): RawHotplug {
  const pkg = loaded as typeof UsbPackage & { default?: typeof UsbPackage };
  const usb: UsbBindings = pkg.usb ?? pkg.default!.usb;
  let native = false;
  try {
    native = usb._supportedHotplugEvents();
  } catch {
    // an old or broken binding: poll instead
  }
  return {
    native,
    listen(onEvent) {
      const attach = (): void => onEvent('attach');
      const detach = (): void => onEvent('detach');
      usb.on('attach', attach);
      usb.on('detach', detach);
      return () => {
        usb.off('attach', attach);
        usb.off('detach', detach);
      };
    },
  };
}

/** The `usb` package's hotplug events (the package is already loaded by loadNodeUsb; this shares it). */
export async function loadNodeUsbHotplug(): Promise<RawHotplug> {
  return nodeUsbHotplug(await import('usb'));
}
