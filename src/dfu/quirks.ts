/**
 * Device quirks as data. The engines and use cases read these flags; the
 * table that decides which devices get which flags lives in quirk-table.ts.
 * DEFAULT_QUIRKS is a device that follows the spec: every default keeps the
 * behaviour dfu-flash has without any quirk.
 */

/** A part whose layout string claims more flash than the chip has. */
export interface RealFlash {
  /** Bytes of flash the part really has, from the start of the layout's first region. */
  bytes: number;
  /** Part name for the warning, e.g. 'GD32VF103CB', 'STM32H750'. */
  part: string;
}

export interface Quirks {
  /** Ignore bwPollTimeout and poll every `pollIntervalMs` instead (devices that report bogus values). */
  ignorePollTimeout: boolean;
  pollIntervalMs: number;
  /** Never sleep less than this between GETSTATUS requests while busy (0 = exactly what the device asks). */
  minPollIntervalMs: number;
  /** GETSTATUS stalls tolerated while a DfuSe command is busy (STM32L4 erase). */
  busyStallTolerance: number;
  /** Minimum time a DfuSe mass erase may take, whatever the device reports (STM32F405: up to 32 s). */
  massEraseMinMs: number;
  /** Consecutive zero poll timeouts while busy before giving up as stuck (Black Magic Probe). */
  maxZeroPolls: number;
  /** DfuSe: one SET_ADDRESS per contiguous run, then wBlockNum 2, 3, … (AN3156). false = SET_ADDRESS before every block. */
  blockAddressing: boolean;
  /**
   * STM32H7 ROM: a page ERASE still dfuDNBUSY `stuckBusyMs` after it was sent is
   * wedged; DFU_CLRSTATUS twice (→ dfuERROR/errUNKNOWN, → dfuIDLE/OK), then the
   * ERASE is sent once more. Never on devices that stall CLRSTATUS outside dfuERROR (STM32C5).
   */
  stuckBusyRecovery: boolean;
  stuckBusyMs: number;
  /** Use this bcdDFUVersion instead of the functional descriptor's (Maple reports a wrong one). null = the device's. */
  forceDfuVersion: number | null;
  /** The serial string descriptor holds UTF-8 bytes instead of UTF-16LE (GD32VF103). */
  utf8Serial: boolean;
  /** A DfuSe layout string to use instead of the alt setting's name (GD32VF103). null = the alt name. */
  layoutOverride: string | null;
  /** The part has less flash than its layout claims: warn, naming both sizes. null = trust the layout. */
  realFlash: RealFlash | null;
  /** DfuSe leave: the zero-length DNLOAD, one GETSTATUS, and whatever comes back (or fails) is fine (GD32VF103). */
  leaveIgnoresStatus: boolean;
}

export const DEFAULT_QUIRKS: Readonly<Quirks> = Object.freeze({
  ignorePollTimeout: false,
  pollIntervalMs: 5,
  minPollIntervalMs: 0,
  busyStallTolerance: 0,
  massEraseMinMs: 0,
  maxZeroPolls: 10_000,
  blockAddressing: true,
  stuckBusyRecovery: false,
  stuckBusyMs: 0,
  forceDfuVersion: null,
  utf8Serial: false,
  layoutOverride: null,
  realFlash: null,
  leaveIgnoresStatus: false,
});
