/**
 * USB 2.0 chapter 9 and DFU 1.1 descriptor and request constants that every
 * backend (libusb, WebUSB, simulated) and the protocol core share. Spec
 * spellings, so code greps against the specs.
 */

/** Descriptor types (USB 2.0 Table 9-5). */
export const USB_DT_DEVICE = 0x01;
export const USB_DT_CONFIG = 0x02;
export const USB_DT_STRING = 0x03;
export const USB_DT_INTERFACE = 0x04;
export const USB_DT_ENDPOINT = 0x05;
export const USB_DT_BOS = 0x0f;
export const USB_DT_DEVICE_CAPABILITY = 0x10;
/** DFU functional descriptor (DFU 1.1 §4.1.3). */
export const DFU_FUNCTIONAL_DESCRIPTOR_TYPE = 0x21;

/** The DFU interface class and subclass (DFU 1.1 §4.2.1). */
export const USB_CLASS_APP_SPECIFIC = 0xfe;
export const USB_SUBCLASS_DFU = 0x01;

/** Standard requests (USB 2.0 Table 9-4). */
export const USB_REQ_GET_DESCRIPTOR = 0x06;
export const USB_REQ_SET_INTERFACE = 0x0b;
/** bmRequestType of a standard device-to-host request to the device. */
export const REQTYPE_STANDARD_DEVICE_IN = 0x80;

/** US English, the LANGID nearly every device lists first. */
export const LANGID_EN_US = 0x0409;
/** libusb and dfu-util ask for string descriptors of up to 255 bytes. */
export const STRING_REQUEST_LENGTH = 255;

export const STANDARD_REQUEST_NAMES: Readonly<Record<number, string>> = {
  0: 'GET_STATUS',
  1: 'CLEAR_FEATURE',
  3: 'SET_FEATURE',
  5: 'SET_ADDRESS',
  6: 'GET_DESCRIPTOR',
  7: 'SET_DESCRIPTOR',
  8: 'GET_CONFIGURATION',
  9: 'SET_CONFIGURATION',
  10: 'GET_INTERFACE',
  11: 'SET_INTERFACE',
  12: 'SYNCH_FRAME',
};

/** DFU class requests (DFU 1.1 Table 3.2), by bRequest. */
export const DFU_REQUEST_NAMES: Readonly<Record<number, string>> = {
  0: 'DFU_DETACH',
  1: 'DFU_DNLOAD',
  2: 'DFU_UPLOAD',
  3: 'DFU_GETSTATUS',
  4: 'DFU_CLRSTATUS',
  5: 'DFU_GETSTATE',
  6: 'DFU_ABORT',
};
