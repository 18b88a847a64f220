/** Can this browser flash at all? WebUSB exists only in Chromium browsers, and only on secure pages. */
export interface Unsupported {
  message: string;
  fix: string;
}

export function webUsbProblem(nav: Navigator, secure: boolean): Unsupported | undefined {
  if (!secure) {
    return { message: 'this page is not a secure context, so the browser hides WebUSB', fix: 'open it over https, or from http://localhost or http://127.0.0.1' };
  }
  if (!('usb' in nav) || (nav as { usb?: unknown }).usb === undefined) {
    return {
      message: 'this browser has no WebUSB (navigator.usb is missing)',
      fix: 'open this page in Chrome or Edge: Firefox and Safari do not implement WebUSB',
    };
  }
  return undefined;
}
