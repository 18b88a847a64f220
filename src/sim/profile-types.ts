/**
 * What a simulated device profile declares: identity and descriptors, the
 * DFU interface, and how the device behaves (DfuSe ROM, plain DFU 1.1
 * bootloader, or an application with a DFU runtime interface). Profiles are
 * data plus a few timing functions; src/sim/sim-device.ts brings them to life.
 */
import type { DfuState, DfuStatus } from '../dfu/constants.js';

/**
 * One busy period: what GETSTATUS reports in bwPollTimeout, and how long the
 * device really stays busy (NAKing EP0). Both are multiplied by `timeScale`.
 */
export interface SimBusy {
  reportedMs: number;
  actualMs: number;
}

/** Fields of the DFU functional descriptor (DFU 1.1 §4.1.3). */
export interface SimFunctional {
  bmAttributes: number;
  wDetachTimeOut: number;
  wTransferSize: number;
  bcdDFUVersion: number;
}

export interface SimIdentity {
  bcdUSB: number;
  /** How the serial string descriptor is encoded: UTF-16LE (default, USB 2.0 §9.6.7) or raw UTF-8 bytes (GD32VF103). */
  serialEncoding?: 'utf16le' | 'utf8' | undefined;
  idVendor: number;
  idProduct: number;
  bcdDevice: number;
  manufacturer?: string | undefined;
  product?: string | undefined;
  /** Default serial; createSimDevice's `serial` option overrides it. */
  serial?: string | undefined;
}

export interface SimDfuInterface {
  interfaceNumber: number;
  /** bInterfaceProtocol: 1 = runtime, 2 = DFU mode (0 on ST's USB-FS library DfuSe, e.g. the DSO Nano). */
  protocol: number;
  /** iInterface string of each alt setting, in alt order (undefined = iInterface 0). */
  altNames: (string | undefined)[];
  /** String index of the first alt name (later alts follow). Default 4. */
  firstAltStringIndex?: number | undefined;
  functional: SimFunctional;
  /**
   * Where the functional descriptor goes: after every alt setting, or once after
   * the last one (what the STM32F4 ROM does: wTotalLength 54 for 4 alts).
   */
  functionalAfter: 'every-alt' | 'last-alt';
}

/** A non-DFU interface (the application's own function), to make hosts skip it. */
export interface SimOtherInterface {
  interfaceNumber: number;
  interfaceClass: number;
  interfaceSubClass: number;
  interfaceProtocol: number;
  name?: string | undefined;
}

/** ST DfuSe (AN3156) behaviour. Memory comes from the alt names' layout strings. */
export interface SimDfuseBehaviour {
  kind: 'dfuse';
  timing: {
    setAddress: SimBusy;
    getCommands: SimBusy;
    /** One page erase, by page size. */
    erase: (pageSize: number) => SimBusy;
    massErase: SimBusy;
    /** One data block (DNLOAD wBlockNum >= 2) of `length` bytes. */
    program: (length: number) => SimBusy;
    /** The dfuMANIFEST period before the device jumps to its application. */
    leave: SimBusy;
    readUnprotect: SimBusy;
  };
  /** The slow timing set (SimOptions.timing 'worst-case', see timing-variants.ts): what differs from `timing`. */
  worstCase?: Partial<SimDfuseBehaviour['timing']> | undefined;
  /**
   * CubeMX-template quirk: ERASE ignores its address and erases every erasable
   * page from `start` to the end of the region that holds `start`.
   */
  eraseIgnoresAddress?: { start: number } | undefined;
  /**
   * SET_ADDRESS to an address outside every alt's layout fails with errTARGET
   * (ST ROMs, AN2662 §4.5.2); false = any pointer is accepted (CubeMX class).
   */
  checkSetAddress: boolean;
  /** READ_UNPROTECT: erase the flash and reset (ST ROMs), or stall (not implemented). */
  readUnprotect: 'erase-and-reset' | 'unsupported';
  /** After a reset caused by READ_UNPROTECT, the device is back after this long (not scaled). */
  reenumerateAfterMs: number;
  /**
   * The memory the chip really has, one DfuSe layout string per alt, where the
   * alt names claim something else (GD32VF103 on the Longan Nano, STM32H750).
   * Default (and for an undefined entry): the alt name.
   */
  memory?: (string | undefined)[] | undefined;
  /**
   * GETSTATUS while the device is busy: 'nak' (default: the request completes
   * when the work is done), 'answer-busy' (answers dfuDNBUSY at once with the
   * reported bwPollTimeout: Black Magic Probe), 'stall-during-erase' (STALLs it
   * while a page or mass erase runs, state unchanged: STM32L4 ROM).
   */
  busyGetStatus?: 'nak' | 'answer-busy' | 'stall-during-erase' | undefined;
  /**
   * STM32H7 ROM: the first `times` (default 1) page ERASEs of `address` do the
   * erase but then stay dfuDNBUSY — answering GETSTATUS with the erase's
   * bwPollTimeout — until a DFU_CLRSTATUS, which leaves dfuERROR/errUNKNOWN.
   */
  stuckErase?: { address: number; times?: number | undefined } | undefined;
  /** Writing over bytes that are not erased: 'error' (default: errWRITE) or 'and' (the flash ANDs the bits and reports OK: GD32VF103). */
  writeOverProgrammed?: 'error' | 'and' | undefined;
  /**
   * Data blocks (wBlockNum >= 2): 'block-number' (default: AN3156 address formula) or
   * 'pointer-only' (every block lands at the address pointer, as if it were block 2).
   */
  dataAddressing?: 'block-number' | 'pointer-only' | undefined;
  /**
   * Leave without a status (GD32VF103): the zero-length DNLOAD puts the device in
   * dfuERROR with `status` and it jumps to its application `afterMs` later (not scaled),
   * whatever the host asks in between. Default: the DfuSe leave through dfuMANIFEST.
   */
  leaveWithoutStatus?: { status: DfuStatus; afterMs: number } | undefined;
  /**
   * A write to the "Option Bytes" alt resets the chip once done, and the ROM comes back
   * (AN2662 Write Memory: "Destination == Option Bytes → System Reset"; real ST ROMs do).
   * Default false: option bytes are written like flash. SimDevice.optionBytesReset overrides it.
   */
  optionBytesReset?: boolean | undefined;
  /**
   * What arrives on the same port after the DfuSe leave, `afterMs` later (not scaled):
   * a profile (the new firmware's application, e.g. 'runtime-app') or 'self' (BOOT0 still
   * high: the ROM again, serial and flash kept). Default: nothing (the application has no
   * DFU interface, so a host lists nothing there).
   */
  afterLeave?: { profile: string | 'self'; afterMs: number } | undefined;
}

/**
 * Plain DFU 1.1 bootloader that writes blocks one after another from its
 * application start, erasing each page on first touch (dapboot).
 */
export interface SimPlainDfuBehaviour {
  kind: 'dfu';
  /** The device's memory, written as a DfuSe layout string (only for the simulator's own use). */
  memory: string;
  /** Where block 0 lands. */
  appStart: number;
  /** One past the last byte the bootloader will write or read. */
  appEnd: number;
  timing: {
    /** bwPollTimeout reported for every data block. */
    blockReportedMs: number;
    /** Real time to erase one page (added when a block touches a fresh page). */
    pageEraseMs: number;
    /** Real time to program `length` bytes. */
    programMs: (length: number) => number;
    manifest: SimBusy;
  };
  /** The slow timing set (SimOptions.timing 'worst-case', see timing-variants.ts): what differs from `timing`. */
  worstCase?: Partial<SimPlainDfuBehaviour['timing']> | undefined;
  /** Status when a block would run past appEnd, or programming fails its read-back check. */
  writeFailStatus: DfuStatus;
}

/** An application with a DFU runtime interface (protocol 1). */
export interface SimRuntimeBehaviour {
  kind: 'runtime';
  /** With bitWillDetach: how long after DETACH the application drops off the bus (not scaled). */
  detachLeaveMs: number;
  /** The profile the device re-enumerates as (its DFU-mode bootloader). */
  reenumerateAs: string;
  /** Delay between leaving the bus and the bootloader's arrival (not scaled). */
  reenumerateAfterMs: number;
}

export type SimBehaviour = SimDfuseBehaviour | SimPlainDfuBehaviour | SimRuntimeBehaviour;

export interface SimProfile {
  name: string;
  description: string;
  identity: SimIdentity;
  configuration: { bmAttributes: number; bMaxPower: number };
  dfu: SimDfuInterface;
  otherInterfaces?: SimOtherInterface[] | undefined;
  /** State and status after power-on / bus reset. */
  initial: { state: DfuState; status: DfuStatus };
  /**
   * The bwPollTimeout it reports means nothing to the device itself (Openmoko U-Boot: bogus values, which
   * hosts ignore by quirk): a GETSTATUS before it has passed is not counted as early. Default false.
   */
  bogusPollTimeout?: boolean | undefined;
  behaviour: SimBehaviour;
}
