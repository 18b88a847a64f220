/**
 * The USB-level face of a simulated device. One model serves three masters:
 * in-process tests (through SimTransport), `--simulate` (through SimBackend),
 * and the umockdev harness (test/e2e/harness), where Python plays the kernel
 * and forwards each control transfer, SET_INTERFACE and reset to a Node
 * process that runs exactly this object.
 */
import type { SetupPacket } from '../transport/types.js';

export type SimControlResult =
  /** Transfer completed. For IN transfers, `data` is what the device returns (<= wLength). */
  | { kind: 'ack'; data?: Uint8Array }
  /** The device stalled EP0 (LIBUSB_ERROR_PIPE on the host). */
  | { kind: 'stall' }
  /** The device never completes this transfer; the host must time out. */
  | { kind: 'silent' }
  /** The device has left the bus (LIBUSB_ERROR_NO_DEVICE on the host). */
  | { kind: 'gone' };

export interface SimDescriptors {
  /** 18-byte standard device descriptor. */
  device: Uint8Array;
  /** Full configuration descriptor (configuration, interfaces, DFU functional descriptors). */
  configuration: Uint8Array;
  /** String descriptors by index (index 0, the LANGID table, is implied: 0x0409). */
  strings: Record<number, string>;
}

/** Something the device does to the bus on its own. */
export type SimBusEvent =
  /** The device left the bus (reset into its application, unplugged, crashed). */
  | { type: 'disconnect'; reason: string }
  /** The device left the bus and `device` arrives on the same port after `afterMs`. */
  | { type: 'reenumerate'; device: SimUsbDevice; afterMs: number; reason: string };

/** One line of the control-transfer transcript kept by every simulated device. */
export interface SimTranscriptEntry {
  /** Clock time when the request arrived (ms). */
  t: number;
  /** Clock time when the device completed it (ms). */
  doneAt: number;
  setup: SetupPacket;
  /** OUT payload length, or IN bytes returned. */
  length: number;
  result: SimControlResult['kind'];
  /** Spec name of the request, e.g. 'DFU_GETSTATUS', 'GET_DESCRIPTOR', 'SET_INTERFACE'. */
  request: string;
  /** DFU state after the request (spec spelling). */
  state: string;
  /** DFU status after the request (spec spelling). */
  status: string;
  /**
   * true when a GETSTATUS arrived before the bwPollTimeout of the previous GETSTATUS reply had
   * elapsed, counted from that reply's completion (DFU 1.1 §6.1.2: the minimum time before the next GETSTATUS).
   */
  early?: boolean;
}

/**
 * Times a host-side harness saw (umockdev: the host process's URB submit and
 * completion), already on the device's clock. With them the device dates a
 * request by when the host sent it, not by when the harness delivered it, and
 * a reply by when the host could have had it, so a GETSTATUS that comes a
 * fraction of a millisecond before bwPollTimeout has passed is still caught.
 */
export interface SimHostTimes {
  /** When the host submitted this request. */
  submittedAt?: number | undefined;
  /** When the previous transfer on this device completed for the host. */
  previousCompletedAt?: number | undefined;
}

export interface SimUsbDevice {
  /** Profile name, e.g. 'stm32f4-sysboot'. */
  readonly profile: string;
  descriptors(): SimDescriptors;
  /**
   * One control transfer on EP0, standard requests included (GET_DESCRIPTOR
   * for strings and the functional descriptor, GET_STATUS...). The promise
   * resolves when the device would complete the transfer: a busy device
   * completes late, as a device NAKing EP0 does.
   */
  control(setup: SetupPacket, data?: Uint8Array, host?: SimHostTimes): Promise<SimControlResult>;
  /** SET_INTERFACE; false means the device stalls it. */
  setAltSetting(interfaceNumber: number, alternateSetting: number): boolean;
  /** A USB bus reset from the host. */
  busReset(): void;
  /** Subscribe to things the device does to the bus on its own. */
  onBusEvent(listener: (event: SimBusEvent) => void): void;
  /** Everything the host sent, in order. */
  readonly transcript: SimTranscriptEntry[];
}
