/** GETSTATUS replies and their words. */
import {
  DFU_STATE_DESCRIPTIONS,
  DFU_STATE_NAMES,
  DFU_STATUS_DESCRIPTIONS,
  DFU_STATUS_LENGTH,
  DFU_STATUS_NAMES,
  DfuState,
  DfuStatus,
} from './constants.js';
import { DfuFlashError } from '../shared/errors.js';

export interface DfuStatusReply {
  status: number;
  /** bwPollTimeout: minimum ms before the next GETSTATUS. */
  pollTimeoutMs: number;
  state: number;
  iString: number;
  /** When the reply arrived (the transport's completion time, on the session's clock), if known. */
  receivedAt?: number | undefined;
}

export function decodeStatus(bytes: Uint8Array): DfuStatusReply {
  if (bytes.length < DFU_STATUS_LENGTH) {
    throw new DfuFlashError('DFU_STATE', `DFU_GETSTATUS returned ${bytes.length} bytes instead of ${DFU_STATUS_LENGTH}`, {
      hint: 'the device does not answer GETSTATUS as DFU 1.1 requires; replug it and try again',
    });
  }
  return {
    status: bytes[0]!,
    pollTimeoutMs: bytes[1]! | (bytes[2]! << 8) | (bytes[3]! << 16),
    state: bytes[4]!,
    iString: bytes[5]!,
  };
}

export function encodeStatus(reply: DfuStatusReply): Uint8Array {
  const t = reply.pollTimeoutMs;
  return Uint8Array.of(reply.status, t & 0xff, (t >> 8) & 0xff, (t >> 16) & 0xff, reply.state, reply.iString);
}

export function stateName(state: number): string {
  return DFU_STATE_NAMES[state] ?? `state ${state}`;
}

export function statusName(status: number): string {
  return DFU_STATUS_NAMES[status] ?? `status ${status}`;
}

export function describeState(state: number): string {
  return `${stateName(state)} (${DFU_STATE_DESCRIPTIONS[state] ?? 'not a DFU 1.1 state'})`;
}

export function describeStatus(status: number): string {
  return `${statusName(status)} (${DFU_STATUS_DESCRIPTIONS[status] ?? 'not a DFU 1.1 status'})`;
}

/**
 * What to do about a failing DFU status, in the phase it happened. An error
 * with this hint carries details.reason 'dfu-status' (and details.status,
 * details.phase), so the CLI can word it with its flags.
 */
export function statusHint(status: number, phase: string): string | undefined {
  switch (status) {
    case DfuStatus.errVENDOR:
      return phase === 'upload' || phase === 'verify'
        ? 'read-out protection is probably active, so the memory cannot be read; lifting it with an unprotect (DfuSe command mode, no file) makes the chip erase its whole flash, then flash the firmware again'
        : 'the device refused with a vendor error; on STM32 this usually means read-out or write protection is active: lifting read-out protection with an unprotect (no file) makes the chip erase its whole flash';
    case DfuStatus.errTARGET:
    case DfuStatus.errADDRESS:
      return 'the address is not valid for this memory: check the address and the alt setting (the device list shows the memory map)';
    case DfuStatus.errWRITE:
    case DfuStatus.errPROG:
      return 'the memory was not erased or is write-protected: check write protection in the option bytes';
    case DfuStatus.errERASE:
    case DfuStatus.errCHECK_ERASED:
      return 'erase failed: the sector may be write-protected (option bytes) or the supply voltage too low';
    case DfuStatus.errVERIFY:
      return 'the device could not verify what it wrote: retry, and check the supply and the image';
    case DfuStatus.errFILE:
      return 'the device rejected the file: it is probably built for another device or not signed for it';
    case DfuStatus.errNOTDONE:
      return 'the device thinks the image is incomplete: check that the whole file was sent';
    case DfuStatus.errSTALLEDPKT:
      return 'the device refused a request it did not expect in its state; run the operation again (it starts by clearing the error), and if it repeats, replug the device';
    case DfuStatus.errFIRMWARE:
      return 'the device has no valid firmware to run: download one';
    case DfuStatus.errUSBR:
    case DfuStatus.errPOR:
      return 'the device was reset in the middle of the operation; run it again';
    case DfuStatus.errUNKNOWN:
      return 'the device does not say what went wrong; run the operation again, and replug the device if it repeats';
    default:
      return undefined;
  }
}

export const BUSY_STATES: ReadonlySet<number> = new Set([DfuState.dfuDNBUSY]);
