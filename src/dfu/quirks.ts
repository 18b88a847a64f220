/**
 * Device quirks as data. The engines read these flags; the table that
 * decides which devices get which flags lives in quirk-table.ts.
 */
export interface Quirks {
  /** Ignore bwPollTimeout and poll every `pollIntervalMs` instead (devices that report bogus values). */
  ignorePollTimeout: boolean;
  pollIntervalMs: number;
  /** GETSTATUS stalls tolerated while a DfuSe command is busy (STM32L4 erase). */
  busyStallTolerance: number;
  /** Minimum time a DfuSe mass erase may take, whatever the device reports (STM32F405: up to 32 s). */
  massEraseMinMs: number;
  /** Consecutive zero poll timeouts while busy before giving up as stuck (Black Magic Probe). */
  maxZeroPolls: number;
  /** DfuSe: one SET_ADDRESS per contiguous run, then wBlockNum 2, 3, … (AN3156). false = SET_ADDRESS before every block. */
  blockAddressing: boolean;
}

export const DEFAULT_QUIRKS: Readonly<Quirks> = Object.freeze({
  ignorePollTimeout: false,
  pollIntervalMs: 5,
  busyStallTolerance: 0,
  massEraseMinMs: 0,
  maxZeroPolls: 10_000,
  blockAddressing: true,
});
