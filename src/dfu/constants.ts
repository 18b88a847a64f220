/**
 * DFU 1.1 (USB Device Class Specification for Device Firmware Upgrade, 2004)
 * and ST DfuSe (AN3156 / UM0391) constants, with the spec's own spellings so
 * code greps against the spec and against dfu-util logs.
 */

// The interface class, the functional descriptor and the request names belong to the descriptor layer every backend shares.
export { DFU_FUNCTIONAL_DESCRIPTOR_TYPE, DFU_REQUEST_NAMES, USB_CLASS_APP_SPECIFIC, USB_SUBCLASS_DFU } from '../transport/descriptors/constants.js';
export const DFU_PROTOCOL_RUNTIME = 0x01;
export const DFU_PROTOCOL_DFU_MODE = 0x02;

/** bmRequestType for class requests to an interface. */
export const REQTYPE_CLASS_INTERFACE_OUT = 0x21;
export const REQTYPE_CLASS_INTERFACE_IN = 0xa1;

/** bRequest values, DFU 1.1 Table 3.2. */
export const DFU_DETACH = 0;
export const DFU_DNLOAD = 1;
export const DFU_UPLOAD = 2;
export const DFU_GETSTATUS = 3;
export const DFU_CLRSTATUS = 4;
export const DFU_GETSTATE = 5;
export const DFU_ABORT = 6;


/** bState values, DFU 1.1 §6.1.2. */
export enum DfuState {
  appIDLE = 0,
  appDETACH = 1,
  dfuIDLE = 2,
  dfuDNLOAD_SYNC = 3,
  dfuDNBUSY = 4,
  dfuDNLOAD_IDLE = 5,
  dfuMANIFEST_SYNC = 6,
  dfuMANIFEST = 7,
  dfuMANIFEST_WAIT_RESET = 8,
  dfuUPLOAD_IDLE = 9,
  dfuERROR = 10,
}

/** Spec spellings (with hyphens, as in the spec and dfu-util output). */
export const DFU_STATE_NAMES: Record<number, string> = {
  0: 'appIDLE',
  1: 'appDETACH',
  2: 'dfuIDLE',
  3: 'dfuDNLOAD-SYNC',
  4: 'dfuDNBUSY',
  5: 'dfuDNLOAD-IDLE',
  6: 'dfuMANIFEST-SYNC',
  7: 'dfuMANIFEST',
  8: 'dfuMANIFEST-WAIT-RESET',
  9: 'dfuUPLOAD-IDLE',
  10: 'dfuERROR',
};

export const DFU_STATE_DESCRIPTIONS: Record<number, string> = {
  0: 'running its application, not in DFU mode',
  1: 'running its application, waiting for a USB reset after DFU_DETACH',
  2: 'in DFU mode, idle',
  3: 'received a download block, waiting for GETSTATUS',
  4: 'busy programming a download block',
  5: 'in a download, waiting for the next block',
  6: 'received the final block, waiting for GETSTATUS to manifest',
  7: 'manifesting the new firmware',
  8: 'manifested, waiting for a USB reset',
  9: 'in an upload, waiting for the next request',
  10: 'in an error state, waiting for DFU_CLRSTATUS',
};

/** bStatus values, DFU 1.1 §6.1.2. */
export enum DfuStatus {
  OK = 0x00,
  errTARGET = 0x01,
  errFILE = 0x02,
  errWRITE = 0x03,
  errERASE = 0x04,
  errCHECK_ERASED = 0x05,
  errPROG = 0x06,
  errVERIFY = 0x07,
  errADDRESS = 0x08,
  errNOTDONE = 0x09,
  errFIRMWARE = 0x0a,
  errVENDOR = 0x0b,
  errUSBR = 0x0c,
  errPOR = 0x0d,
  errUNKNOWN = 0x0e,
  errSTALLEDPKT = 0x0f,
}

export const DFU_STATUS_NAMES: Record<number, string> = {
  0x00: 'OK',
  0x01: 'errTARGET',
  0x02: 'errFILE',
  0x03: 'errWRITE',
  0x04: 'errERASE',
  0x05: 'errCHECK_ERASED',
  0x06: 'errPROG',
  0x07: 'errVERIFY',
  0x08: 'errADDRESS',
  0x09: 'errNOTDONE',
  0x0a: 'errFIRMWARE',
  0x0b: 'errVENDOR',
  0x0c: 'errUSBR',
  0x0d: 'errPOR',
  0x0e: 'errUNKNOWN',
  0x0f: 'errSTALLEDPKT',
};

export const DFU_STATUS_DESCRIPTIONS: Record<number, string> = {
  0x00: 'no error',
  0x01: 'the file is not for use by this device',
  0x02: 'the file is for this device but fails a vendor-specific check',
  0x03: 'the device is unable to write memory',
  0x04: 'memory erase failed',
  0x05: 'memory erase check failed',
  0x06: 'program memory function failed',
  0x07: 'programmed memory failed verification',
  0x08: 'received an address that is out of range',
  0x09: 'received DFU_DNLOAD with wLength = 0, but the firmware seems incomplete',
  0x0a: "the device's firmware is corrupt; it cannot return to run-time operation",
  0x0b: 'vendor-specific error',
  0x0c: 'unexpected USB reset signalling',
  0x0d: 'unexpected power-on reset',
  0x0e: 'something went wrong, but the device does not know what',
  0x0f: 'the device stalled an unexpected request',
};

/** ST DfuSe (bcdDFUVersion 0x011A) command bytes sent in DFU_DNLOAD with wBlockNum 0 (AN3156 §6). */
export const DFUSE_VERSION = 0x011a;
export const DFUSE_CMD_GET_COMMANDS = 0x00;
export const DFUSE_CMD_SET_ADDRESS = 0x21;
export const DFUSE_CMD_ERASE = 0x41;
export const DFUSE_CMD_READ_UNPROTECT = 0x92;
/** DfuSe data blocks start at wBlockNum 2: address = (wBlockNum - 2) * wTransferSize + address pointer. */
export const DFUSE_FIRST_DATA_BLOCK = 2;

/** GETSTATUS reply length. */
export const DFU_STATUS_LENGTH = 6;
