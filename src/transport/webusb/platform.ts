/**
 * What the browser's operating system imposes on WebUSB, as backend
 * capabilities: the page cannot ask the OS, so the platform is read from the
 * user agent (or given by the caller).
 */
import type { BackendCapabilities } from '../types.js';

export type WebUsbPlatform = 'linux' | 'chromeos' | 'android' | 'windows' | 'macos' | 'other';

/** Linux usbfs (also under ChromeOS and Android) refuses control transfers over one page. */
export const USBFS_CONTROL_LIMIT = 4096;

interface NavigatorLike {
  userAgent?: string;
  userAgentData?: { platform?: string };
}

/** The platform of this browser, from navigator.userAgentData (Chromium) or the user agent string. */
export function detectPlatform(nav: NavigatorLike | undefined = (globalThis as { navigator?: NavigatorLike }).navigator): WebUsbPlatform {
  const hint = `${nav?.userAgentData?.platform ?? ''} ${nav?.userAgent ?? ''}`.toLowerCase();
  if (hint.includes('android')) return 'android';
  if (hint.includes('cros') || hint.includes('chrome os')) return 'chromeos';
  if (hint.includes('windows') || hint.includes('win64') || hint.includes('win32')) return 'windows';
  if (hint.includes('mac')) return 'macos';
  if (hint.includes('linux')) return 'linux';
  return 'other';
}

export function webUsbCapabilities(platform: WebUsbPlatform): BackendCapabilities {
  return {
    maxControlTransferBytes: platform === 'linux' || platform === 'chromeos' || platform === 'android' ? USBFS_CONTROL_LIMIT : undefined,
    // WinUSB cannot issue a port reset: the layers above fall back to what the device's attributes allow
    canReset: platform !== 'windows',
    // WebUSB exposes no port: a device that re-enumerates is a new USBDevice object
    stablePortPaths: false,
    // ... and one the page needs the user's permission for, unless it was granted before
    newDevicesNeedPermission: true,
  };
}
