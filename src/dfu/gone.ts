/** Errors that mean "the device is no longer answering" — expected after leave and manifestation. */
import { isDfuFlashError } from '../shared/errors.js';

const GONE_CODES = new Set(['DEVICE_GONE', 'USB_IO', 'STALL', 'TIMEOUT']);

export function looksGone(e: unknown): boolean {
  return isDfuFlashError(e) && GONE_CODES.has(e.code);
}
