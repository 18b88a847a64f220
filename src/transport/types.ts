/**
 * The seam between the protocol core and a USB stack. Two implementations:
 * src/transport/usb (libusb through the `usb` 2.x package) and src/sim
 * (simulated devices). The protocol core sees only these types.
 */

/** A USB SETUP packet. Direction comes from bit 7 of bmRequestType. */
export interface SetupPacket {
  bmRequestType: number;
  bRequest: number;
  wValue: number;
  wIndex: number;
  wLength: number;
}

/** DFU functional descriptor (DFU 1.1 §4.1.3, type 0x21). */
export interface FunctionalDescriptor {
  /** 9 for DFU 1.1, 7 for DFU 1.0 devices that omit bcdDFUVersion. */
  bLength: number;
  bmAttributes: number;
  wDetachTimeOut: number;
  wTransferSize: number;
  /** 0x0100 when bLength is 7 (deduced, as dfu-util does). */
  bcdDFUVersion: number;
  canDownload: boolean; // bit 0 bitCanDnload
  canUpload: boolean; // bit 1 bitCanUpload
  manifestationTolerant: boolean; // bit 2 bitManifestationTolerant
  willDetach: boolean; // bit 3 bitWillDetach
}

/** One alternate setting of a DFU-class interface (class 0xFE, subclass 0x01). */
export interface DfuAltSetting {
  interfaceNumber: number;
  alternateSetting: number;
  /** bInterfaceProtocol: 1 = runtime, 2 = DFU mode, 0 seen on some DfuSe devices. */
  interfaceProtocol: number;
  iInterface: number;
  /** The iInterface string exactly as read (padding kept); undefined when absent or unreadable. */
  name: string | undefined;
  /** Why the name could not be read, when iInterface != 0 but the read failed. */
  nameError?: string | undefined;
  /** Functional descriptor of this interface, if one was found. */
  functional?: FunctionalDescriptor | undefined;
}

/** What enumeration tells about one USB device that has at least one DFU interface. */
export interface DfuDeviceInfo {
  /** Backend-unique key, stable while the device stays plugged in (e.g. "usb:3-4.2:77", "sim:1-1"). */
  key: string;
  vendorId: number;
  productId: number;
  bcdDevice: number;
  bcdUSB: number;
  bMaxPacketSize0: number;
  busNumber: number;
  deviceAddress: number;
  /** "bus-port.port", e.g. "1-1.4" (dfu-util's -p format). */
  portPath: string;
  configurationValue: number;
  manufacturer?: string | undefined;
  product?: string | undefined;
  serial?: string | undefined;
  /** When strings could not be read (device could not be opened, or a read failed). */
  stringError?: { code: string; message: string; hint?: string | undefined } | undefined;
  alts: DfuAltSetting[];
}

export interface ControlOptions {
  /** Our own deadline: the transfer is failed with a TIMEOUT error after this many ms, whatever the USB stack does. */
  timeoutMs: number;
  /**
   * Filled in by transports that can: when the transfer completed, taken as
   * close to the USB stack's completion as the backend gets (libusb: first
   * thing in its completion callback), before any promise layer. On the
   * clock sessions use: performance.now() for USB stacks, the simulator's
   * clock for simulated devices. bwPollTimeout counts from this moment.
   */
  timing?: TransferTiming | undefined;
}

/** Written by the transport when a transfer completes (see ControlOptions.timing). */
export interface TransferTiming {
  completedAt?: number | undefined;
}

/**
 * An opened device. Requests go to EP0; the interface number in wIndex is the
 * caller's business (the protocol core knows which interface it drives).
 * Errors are DfuFlashError with codes STALL, TIMEOUT, DEVICE_GONE, USB_IO,
 * ACCESS, DRIVER, BUSY.
 */
export interface DfuTransport {
  readonly info: DfuDeviceInfo;
  /** Device-to-host control transfer; resolves with the bytes received (may be shorter than wLength). */
  controlIn(setup: SetupPacket, options: ControlOptions): Promise<Uint8Array>;
  /** Host-to-device control transfer; setup.wLength must equal data.length. */
  controlOut(setup: SetupPacket, data: Uint8Array, options: ControlOptions): Promise<void>;
  claimInterface(interfaceNumber: number): Promise<void>;
  releaseInterface(interfaceNumber: number): Promise<void>;
  /** SET_INTERFACE. */
  setAltSetting(interfaceNumber: number, alternateSetting: number): Promise<void>;
  /** USB bus reset. A device that leaves the bus during the reset is not an error. */
  reset(): Promise<void>;
  /** Release everything and close. Never throws. */
  close(): Promise<void>;
}

/** What a backend's USB stack can and cannot do, so the layers above never test its name. */
export interface BackendCapabilities {
  /** Largest data stage of one control transfer the stack sends (Linux usbfs: 4096); undefined when there is no such limit. */
  maxControlTransferBytes?: number | undefined;
  /** Can issue a USB bus reset (WinUSB on Windows cannot). */
  canReset: boolean;
  /** Devices carry port paths that stay the same across re-enumeration (WebUSB exposes none). */
  stablePortPaths: boolean;
  /**
   * A device that re-enumerates (after a detach, in its other mode) is only seen
   * once the user grants it (WebUSB); the operation then stops with NEEDS_PERMISSION.
   */
  newDevicesNeedPermission?: boolean | undefined;
}

/** A way of finding and opening DFU devices: libusb, WebUSB, or the simulator. */
export interface UsbBackend {
  /** For messages and debug lines: 'usb', 'webusb', 'sim'. Never used to decide behaviour: see capabilities. */
  readonly name: string;
  readonly capabilities: BackendCapabilities;
  /** Every device with a DFU interface (runtime or DFU mode). Never throws for one bad device. */
  list(): Promise<DfuDeviceInfo[]>;
  /** Open a device found by list(). */
  open(device: DfuDeviceInfo): Promise<DfuTransport>;
  /**
   * Call `onChange` whenever devices may have arrived or left (hotplug), so
   * a waiter can list again at once instead of at its next poll. Returns the
   * function that stops watching. Backends without hotplug leave it out.
   */
  watch?(onChange: () => void): () => void;
  /** Release the backend (hotplug listeners, contexts). */
  dispose(): void;
}
