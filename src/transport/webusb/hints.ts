/**
 * The fixes a WebUSB user is told about, per platform. The browser shows the
 * user a chooser of the devices the OS lets it open, so what goes wrong is
 * mostly the OS: a missing udev rule on Linux, a missing WinUSB driver on
 * Windows, another program holding the device on macOS.
 */
import { hex16 } from '../../shared/errors.js';
import type { WebUsbPlatform } from './platform.js';

export const UDEV_RULES_FILE = '/etc/udev/rules.d/70-dfu-flash.rules';

/** The udev rule that lets the logged-in user (and so the browser) open one VID:PID. */
export function udevRule(vendorId: number, productId: number): string {
  return `SUBSYSTEM=="usb", ATTRS{idVendor}=="${hex16(vendorId)}", ATTRS{idProduct}=="${hex16(productId)}", TAG+="uaccess"`;
}

/** Windows: the WinUSB driver, without which the device never shows up in the browser at all. */
export function zadigHint(vendorId?: number, productId?: number): string {
  const device = vendorId === undefined ? 'the device' : productId === undefined ? `a device of vendor ${hex16(vendorId)}` : `${hex16(vendorId)}:${hex16(productId)}`;
  return (
    `Windows lets a browser use a USB device only through the WinUSB driver; without it ${device} is simply absent ` +
    'from the browser\'s device chooser; install WinUSB with Zadig (https://zadig.akeo.ie): open Options > List All Devices, select the device ' +
    '(e.g. "STM32 BOOTLOADER" or "DFU in FS Mode"), choose WinUSB, click Replace Driver, replug the device and reload the page'
  );
}

/** How to get permission to open a device the browser may not open. */
export function accessHint(vendorId: number, productId: number, platform: WebUsbPlatform): string {
  switch (platform) {
    case 'linux':
      return (
        `the browser runs as your user, who may not open this USB device: put this line in ${UDEV_RULES_FILE}:\n` +
        `  ${udevRule(vendorId, productId)}\n` +
        'then run: sudo udevadm control --reload-rules && sudo udevadm trigger\n' +
        'and replug the device (a browser installed as a snap or flatpak also needs its USB permission: snap connect chromium:raw-usb)'
      );
    case 'windows':
      return zadigHint(vendorId, productId);
    case 'macos':
      return 'another program or a kernel driver holds the device: quit other DFU tools (dfu-util, STM32CubeProgrammer) and replug it';
    case 'chromeos':
    case 'android':
      return 'the system did not let the browser open the device: replug it and allow the browser to use it when asked';
    default:
      return 'check that your user may open USB devices, then replug the device';
  }
}

/** An iframe without allow="usb", or a page served over plain http from a non-local host. */
export const POLICY_HINT =
  'WebUSB is only available to pages served over https (or from localhost) and, in an iframe, only with allow="usb": serve the page that way';

export const BUSY_HINT =
  'another program or another browser tab holds the device: close dfu-util, STM32CubeProgrammer or the other tab, then try again';

export const GONE_HINT = 'the device left the bus (unplugged, reset or crashed): replug it, then select it again';

export const TIMEOUT_HINT = 'the device did not answer in time: replug it; if it keeps happening, try another USB port or cable';

export const STALL_HINT = 'the device refused the request: check that it is in the mode you expect (list the devices again)';

export const IO_HINT = 'USB communication failed: replug the device; if it keeps happening, try another USB port or cable';

export const ALT_STALL_HINT = 'the device has no such alt setting, or refused it in its current state; list its alt settings';
