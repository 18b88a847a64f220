/**
 * The DOMExceptions Chromium's WebUSB rejects with, with its wording (seen
 * through Chromium 156 on emulated devices, see test/web), so code written
 * against the fake meets what it meets in the browser.
 */

type DomExceptionConstructor = new (message: string, name: string) => Error;

export function domError(name: string, message: string): Error {
  const Ctor = (globalThis as { DOMException?: DomExceptionConstructor }).DOMException;
  if (Ctor !== undefined) return new Ctor(message, name);
  const e = new Error(message);
  e.name = name;
  return e;
}

export const disconnected = (): Error => domError('NotFoundError', 'The device was disconnected.');
export const notOpened = (): Error => domError('InvalidStateError', 'The device must be opened first.');
export const notClaimed = (): Error => domError('InvalidStateError', 'The specified interface has not been claimed.');
export const noSuchInterface = (): Error =>
  domError('NotFoundError', 'The interface number provided is not supported by the device in its current configuration.');
export const noSuchAlternate = (): Error =>
  domError('NotFoundError', 'The alternate setting provided is not supported by the device in its current configuration.');
export const noSuchConfiguration = (): Error => domError('NotFoundError', 'The configuration value provided is not supported by the device.');
export const noConfiguration = (): Error => domError('InvalidStateError', 'The device must have a configuration selected.');
export const cancelled = (): Error => domError('AbortError', 'The transfer was cancelled.');
export const claimFailed = (): Error => domError('NetworkError', 'Unable to claim interface.');
export const setInterfaceFailed = (): Error => domError('NetworkError', 'Unable to set device interface.');
export const noDeviceSelected = (): Error => domError('NotFoundError', 'No device selected.');
export const noUserGesture = (): Error => domError('SecurityError', 'Must be handling a user gesture to show a permission request.');
