/** Errors that mean "the device is no longer answering" — expected after leave and manifestation. */
import { isDfuFlashError } from '../shared/errors.js';
import type { DfuRequests } from './requests.js';
import type { DfuStatusReply } from './status.js';

const GONE_CODES = new Set(['DEVICE_GONE', 'USB_IO', 'STALL', 'TIMEOUT']);
/** A failing GETSTATUS with one of these means nobody is there any more (a stall is an answer). */
const NO_ANSWER_CODES = new Set(['DEVICE_GONE', 'USB_IO', 'TIMEOUT']);

export function looksGone(e: unknown): boolean {
  return isDfuFlashError(e) && GONE_CODES.has(e.code);
}

/**
 * After a request failed (`failure`) in a way that looks like the device left:
 * ask once more (GETSTATUS), unless the failure already says the device is gone. 'gone' when nothing answers; 'stalled' when the device
 * stalled the GETSTATUS (it is still there); otherwise its status reply —
 * the device is still on the bus and the failure was real.
 */
export async function probeGone(session: { req: DfuRequests }, failure?: unknown): Promise<'gone' | 'stalled' | DfuStatusReply> {
  if (isDfuFlashError(failure, 'DEVICE_GONE')) return 'gone'; // the USB stack saw it leave: nothing to ask
  try {
    return await session.req.getStatus();
  } catch (e) {
    if (isDfuFlashError(e) && NO_ANSWER_CODES.has(e.code)) return 'gone';
    return 'stalled';
  }
}
