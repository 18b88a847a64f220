/**
 * ST DfuSe engine (AN3156): special commands in DNLOAD block 0, block-addressed
 * data (address = (wBlockNum − 2) × wTransferSize + address pointer), leave.
 * It executes a DownloadPlan from the planner: every erase before any write.
 */
import {
  DFUSE_CMD_ERASE,
  DFUSE_CMD_READ_UNPROTECT,
  DFUSE_CMD_SET_ADDRESS,
  DFUSE_FIRST_DATA_BLOCK,
  DfuState,
  DfuStatus,
} from './constants.js';
import { DfuFlashError, hex32 } from '../shared/errors.js';
import { BUSY_FLOOR_MS, getStatusSettled, pollDelay, pollWhileBusy, recoveryOf, waitAfterReply, type PollOptions, type WaitProgress } from './poll.js';
import { PhaseTracker, checkAbort, inPhase, inSessionPhase, statusError, type DfuSession } from './session.js';
import { describeState, describeStatus } from './status.js';
import { looksGone, probeGone } from './gone.js';
import { concat } from './dfu11.js';
import type { Phase } from './events.js';
import type { DownloadPlan } from './plan-types.js';

const COMMAND_DEADLINE_MS = 20_000;
const MASS_ERASE_DEADLINE_MS = 60_000;
const BLOCK_DEADLINE_MS = 10_000;
/** After a leave request: the device is on its way to its application. */
const MANIFEST_STATES: ReadonlySet<number> = new Set([DfuState.dfuMANIFEST_SYNC, DfuState.dfuMANIFEST, DfuState.dfuMANIFEST_WAIT_RESET]);
/** Highest block count after one SET_ADDRESS: wBlockNum is 16 bits and starts at 2. */
const MAX_BLOCKS_PER_ADDRESS = 0xffff - DFUSE_FIRST_DATA_BLOCK + 1;

function commandBytes(cmd: number, address?: number): Uint8Array {
  if (address === undefined) return Uint8Array.of(cmd);
  const a = address >>> 0;
  return Uint8Array.of(cmd, a & 0xff, (a >>> 8) & 0xff, (a >>> 16) & 0xff, (a >>> 24) & 0xff);
}

interface CommandOptions {
  phase: Phase;
  /** Words after the command name in messages, e.g. 'for the upload'. */
  label?: string;
  deadlineMs?: number;
  minTotalMs?: number;
  /** Patience before a busy device counts as stuck (see poll.ts). */
  stuckAfterMs?: number;
  /** Heartbeats while the device is busy with the command. */
  progress?: WaitProgress;
  /**
   * With the stuckBusyRecovery quirk (STM32H7): a command wedged in dfuDNBUSY past stuckBusyMs is freed
   * (the poll loop's recovery, CLRSTATUS pair first) and sent once more.
   */
  recoverStuck?: boolean;
}

/**
 * Typical erase time of a sector of `size` bytes when the device says nothing better: 8 ms per KiB
 * (estimate from ST's datasheet figures: F4 128 KiB ≈ 1 s, 16 KiB ≈ 0.25 s; F1 1–2 KiB pages 20–40 ms).
 */
export function typicalEraseMs(size: number): number {
  return (size / 1024) * 8;
}

/** Patience for one sector erase: 2 s plus 32 ms per KiB (128 KiB: 6.1 s, above the 4 s datasheet maxima), at least BUSY_FLOOR_MS. */
export function eraseFloorMs(size: number): number {
  return Math.max(BUSY_FLOOR_MS, 2000 + (size / 1024) * 32);
}

/**
 * One DfuSe command: DNLOAD block 0, then GETSTATUS — which must say dfuDNBUSY,
 * since the device executes the command when that GETSTATUS arrives — then
 * wait while busy; the command succeeded when the device is in dfuDNLOAD-IDLE with status OK.
 */
export async function dfuseCommand(
  session: DfuSession,
  name: string,
  cmd: number,
  address: number | undefined,
  options: CommandOptions,
): Promise<void> {
  const label = options.label === undefined ? '' : ` (${options.label})`;
  const what = (address === undefined ? name : `${name} ${hex32(address)}`) + label;
  const recover = options.recoverStuck === true && session.quirks.stuckBusyRecovery;
  const run = () => runCommand(session, what, cmd, address, recover ? { ...options, deadlineMs: session.quirks.stuckBusyMs } : options);
  await inSessionPhase(session, options.phase, address, name + label, async () => {
    try {
      await run();
    } catch (e) {
      if (!recover || recoveryOf(e) !== 'recovered') throw e;
      session.emit({
        type: 'warning',
        message: `${what}: the device stayed in dfuDNBUSY for ${session.quirks.stuckBusyMs} ms and was freed with DFU_CLRSTATUS; sending the command again`,
        hint: 'a known STM32H7 ROM quirk (STM32CubeProgrammer clears it the same way); nothing to do unless it repeats',
      });
      await run(); // once: a second wedge is an error
    }
  });
}

async function runCommand(session: DfuSession, what: string, cmd: number, address: number | undefined, options: CommandOptions): Promise<void> {
  await session.req.dnload(0, commandBytes(cmd, address));
  const first = await session.req.getStatus();
  if (first.state !== DfuState.dfuDNBUSY) {
    if (first.status !== DfuStatus.OK) throw statusError(options.phase, what, first, address);
    throw new DfuFlashError('DFU_STATE', `${what}: the device answered ${describeState(first.state)} instead of dfuDNBUSY, so it did not execute the command`, {
      hint: 'replug the device and try again; if it persists, report the device with its descriptors (the device list as JSON)',
      details: { reason: 'command-not-executed', phase: options.phase, address, state: first.state, status: first.status },
    });
  }
  const pollOptions: PollOptions = { deadlineMs: options.deadlineMs ?? COMMAND_DEADLINE_MS, what };
  if (options.minTotalMs !== undefined) pollOptions.minTotalMs = options.minTotalMs;
  if (options.stuckAfterMs !== undefined) pollOptions.stuckAfterMs = options.stuckAfterMs;
  if (options.progress !== undefined) pollOptions.progress = options.progress;
  const reply = await pollWhileBusy(session, first, pollOptions);
  if (reply.status !== DfuStatus.OK) throw statusError(options.phase, what, reply, address);
  if (reply.state !== DfuState.dfuDNLOAD_IDLE) {
    throw new DfuFlashError('DFU_STATE', `${what}: device went to ${describeState(reply.state)} instead of dfuDNLOAD-IDLE`, {
      hint: 'replug the device and try again',
      details: { phase: options.phase, address, state: reply.state },
    });
  }
}

export function dfuseSetAddress(session: DfuSession, address: number, phase: Phase): Promise<void> {
  return dfuseCommand(session, 'SET_ADDRESS', DFUSE_CMD_SET_ADDRESS, address, phase === 'erase' ? { phase } : { phase, label: `for the ${phase}` });
}

/** Where a sector erase sits in its phase, for the heartbeats (PhaseTracker.progressOf). */
export interface EraseProgress {
  bytesBefore: number;
  totalBytes: number;
}

/** ERASE of the sector at `address`; with its `size`, patience and heartbeats fit the sector. */
export function dfuseErasePage(session: DfuSession, address: number, size?: number, progress?: EraseProgress): Promise<void> {
  const options: CommandOptions = { phase: 'erase', recoverStuck: true };
  if (size !== undefined) {
    options.stuckAfterMs = eraseFloorMs(size);
    if (progress !== undefined) options.progress = { phase: 'erase', expectedMs: typicalEraseMs(size), stepBytes: size, ...progress };
  }
  return dfuseCommand(session, 'ERASE', DFUSE_CMD_ERASE, address, options);
}

/** MASS_ERASE: a known slow operation, so its whole deadline is its patience; heartbeats by the quirk's minimum or the reported time. */
export function dfuseMassErase(session: DfuSession): Promise<void> {
  const deadlineMs = Math.max(MASS_ERASE_DEADLINE_MS, session.quirks.massEraseMinMs + 10_000);
  return dfuseCommand(session, 'MASS_ERASE', DFUSE_CMD_ERASE, undefined, {
    phase: 'erase',
    deadlineMs,
    stuckAfterMs: deadlineMs,
    minTotalMs: session.quirks.massEraseMinMs || undefined,
    progress: { phase: 'erase', expectedMs: session.quirks.massEraseMinMs, bytesBefore: 0, stepBytes: 0, totalBytes: 0 },
  });
}

/**
 * READ_UNPROTECT: the device erases all of its flash, lifts read-out
 * protection and resets. Returns once the device has accepted the command.
 */
export async function dfuseReadUnprotect(session: DfuSession): Promise<void> {
  const tracker = new PhaseTracker(session, 'erase', 0, 'unprotect');
  await inSessionPhase(session, 'erase', undefined, 'READ_UNPROTECT', async () => {
    await session.req.dnload(0, Uint8Array.of(DFUSE_CMD_READ_UNPROTECT));
    try {
      const reply = await session.req.getStatus();
      if (reply.status !== DfuStatus.OK) throw statusError('erase', 'READ_UNPROTECT', reply);
    } catch (e) {
      if (!looksGone(e)) throw e; // the device disconnects to erase and reset: expected
    }
  });
  tracker.end();
}

async function writeBlock(session: DfuSession, blockNum: number, data: Uint8Array, address: number): Promise<void> {
  const what = `download of ${data.length} bytes`;
  await inSessionPhase(session, 'download', address, what, async () => {
    await session.req.dnload(blockNum, data);
    const reply = await getStatusSettled(session, { deadlineMs: BLOCK_DEADLINE_MS, what: `${what} at ${hex32(address)}` });
    if (reply.status !== DfuStatus.OK) throw statusError('download', what, reply, address);
    if (reply.state !== DfuState.dfuDNLOAD_IDLE) {
      throw new DfuFlashError('DFU_STATE', `device went to ${describeState(reply.state)} instead of dfuDNLOAD-IDLE`, {
        hint: 'replug the device and try again',
      });
    }
  });
}

/**
 * How a plan's writes ended: 'idle' = back in dfuIDLE (after the final ABORT,
 * or left in dfuDNLOAD-IDLE with will-reset); 'reset' = will-reset, and the
 * device left the bus after accepting the last block, as it said it would.
 */
export type PlanEnd = 'idle' | 'reset';

/** Execute the erase and write steps of a DfuSe plan (not the leave: see dfuseLeave). */
export async function executeDfusePlan(session: DfuSession, plan: DownloadPlan): Promise<PlanEnd> {
  const xfer = plan.transferSize;
  if (plan.massErase) {
    const t = new PhaseTracker(session, 'erase', 0, 'mass erase');
    await dfuseMassErase(session);
    t.end();
  } else if (plan.erase.length > 0) {
    const t = new PhaseTracker(session, 'erase', plan.totals.eraseBytes);
    for (const step of plan.erase) {
      checkAbort(session, 'erase', step.address);
      await dfuseErasePage(session, step.address, step.size, { bytesBefore: t.bytes, totalBytes: plan.totals.eraseBytes });
      t.add(step.size);
    }
    t.end();
  }
  const t = new PhaseTracker(session, 'download', plan.totals.writeBytes);
  let lastAddress: number | undefined;
  for (const [runIndex, run] of plan.writes.entries()) {
    for (let offset = 0; offset < run.data.length; offset += xfer) {
      const blockIndex = offset / xfer;
      const address = run.address + offset;
      const chunk = run.data.subarray(offset, Math.min(run.data.length, offset + xfer));
      const lastBlock = runIndex === plan.writes.length - 1 && offset + xfer >= run.data.length;
      checkAbort(session, 'download', address);
      // without block addressing (quirk), every block is block 2 after its own SET_ADDRESS
      const inWindow = session.quirks.blockAddressing ? blockIndex % MAX_BLOCKS_PER_ADDRESS : 0;
      if (inWindow === 0) await dfuseSetAddress(session, address, 'download');
      try {
        await writeBlock(session, DFUSE_FIRST_DATA_BLOCK + inWindow, chunk, address);
      } catch (e) {
        // will-reset (option bytes): the chip resets once it has the last block; only a device really gone counts
        if (!(plan.willReset && lastBlock && looksGone(e) && (await probeGone(session, e)) === 'gone')) throw e;
        session.emit({ type: 'debug', message: `will-reset: the device left the bus after the last block (${(e as Error).message})` });
        t.add(chunk.length);
        t.end();
        return 'reset';
      }
      lastAddress = address;
      t.add(chunk.length);
    }
  }
  t.end();
  if (!plan.willReset) {
    await inSessionPhase(session, 'download', lastAddress, 'ending the download (DFU_ABORT)', () => session.req.abort());
  }
  return 'idle';
}

/**
 * Leave DFU mode: SET_ADDRESS to the jump address (when given), then a
 * zero-length DNLOAD and GETSTATUS. The device jumping to its application and
 * dropping off the bus is the expected end, not an error.
 * Returns 'left-bus' when the device stopped answering, 'manifest' when it acknowledged.
 */
export async function dfuseLeave(session: DfuSession, address: number | undefined): Promise<'left-bus' | 'manifest'> {
  const t = new PhaseTracker(session, 'leave', 0);
  if (address !== undefined) await dfuseSetAddress(session, address, 'leave');
  if (session.quirks.leaveIgnoresStatus) {
    await leaveIgnoringStatus(session);
    t.end();
    return 'left-bus';
  }
  return inPhase('leave', address, 'leave', () => leaveRequest(session, address, t));
}

/** The zero-length DNLOAD of a leave and what follows it. */
async function leaveRequest(session: DfuSession, address: number | undefined, t: PhaseTracker): Promise<'left-bus' | 'manifest'> {
  try {
    await session.req.dnload(DFUSE_FIRST_DATA_BLOCK, new Uint8Array(0));
    const reply = await session.req.getStatus();
    if (reply.state === DfuState.dfuERROR || reply.status !== DfuStatus.OK) throw statusError('leave', 'leave', reply, address);
    session.emit({ type: 'debug', message: `leave: device answered ${describeState(reply.state)}` });
    // The device starts its application once the poll time has passed: look once more to see it go.
    await waitAfterReply(session, reply, pollDelay(session, reply));
    const after = await session.req.getStatus();
    session.emit({ type: 'debug', message: `leave: device still answers, in ${describeState(after.state)}` });
    t.end();
    return 'manifest';
  } catch (e) {
    if (!looksGone(e)) throw e;
    // a stall or a timeout may also be a device that is still there and refused: ask once more
    const probe = await probeGone(session, e);
    if (probe !== 'gone') {
      if (probe !== 'stalled' && (probe.state === DfuState.dfuERROR || probe.status !== DfuStatus.OK)) throw statusError('leave', 'leave', probe, address);
      if (probe !== 'stalled' && MANIFEST_STATES.has(probe.state)) {
        // the request was lost, but the device is on its way out all the same
        session.emit({ type: 'debug', message: `leave: ${(e as Error).message}; the device then answered ${describeState(probe.state)}` });
        t.end();
        return 'manifest';
      }
      throw e;
    }
    session.emit({ type: 'debug', message: `leave: device left the bus (${(e as Error).message})` });
    t.end();
    return 'left-bus';
  }
}

/**
 * GD32VF103 (quirk leaveIgnoresStatus): the device jumps to its application on
 * the zero-length DNLOAD; one GETSTATUS is sent and whatever it answers — an
 * error status, a stall, nothing — is only reported as debug.
 */
async function leaveIgnoringStatus(session: DfuSession): Promise<void> {
  const note = (what: string) => session.emit({ type: 'debug', message: `leave: ${what} (ignored: the device does not report a status on leave)` });
  try {
    await session.req.dnload(DFUSE_FIRST_DATA_BLOCK, new Uint8Array(0));
    const reply = await session.req.getStatus();
    note(`device answered ${describeState(reply.state)}, ${describeStatus(reply.status)}`);
  } catch (e) {
    if (!looksGone(e)) throw e;
    note((e as Error).message);
  }
}

/**
 * Read `length` bytes from `address` with block addressing (one SET_ADDRESS
 * per 65534 blocks); ends early on a short frame. `onBytes` reports progress.
 */
export async function dfuseRead(
  session: DfuSession,
  address: number,
  length: number,
  phase: Phase,
  onBytes: (n: number) => void,
): Promise<Uint8Array> {
  const xfer = session.transferSize;
  const parts: Uint8Array[] = [];
  let got = 0;
  let blockIndex = 0;
  while (got < length) {
    // without block addressing (quirk), every block is block 2 after its own SET_ADDRESS
    const inWindow = session.quirks.blockAddressing ? blockIndex % MAX_BLOCKS_PER_ADDRESS : 0;
    const at = address + got;
    checkAbort(session, phase, at);
    if (inWindow === 0) {
      // dfuUPLOAD-IDLE → dfuIDLE: SET_ADDRESS is a DNLOAD
      if (blockIndex > 0) await inSessionPhase(session, phase, at, `DFU_ABORT before the ${phase} read`, () => session.req.abort());
      await dfuseSetAddress(session, at, phase);
      // dfuDNLOAD-IDLE → dfuIDLE; UPLOAD is only legal from dfuIDLE / dfuUPLOAD-IDLE
      await inSessionPhase(session, phase, at, `DFU_ABORT before the ${phase} read`, () => session.req.abort());
    }
    const want = Math.min(xfer, length - got);
    const what = phase === 'upload' ? `upload of ${want} bytes` : `${phase} read of ${want} bytes`;
    const bytes = await inSessionPhase(session, phase, at, what, () => session.req.upload(DFUSE_FIRST_DATA_BLOCK + inWindow, want));
    parts.push(bytes);
    got += bytes.length;
    onBytes(bytes.length);
    blockIndex++;
    if (bytes.length < want) break;
  }
  await inSessionPhase(session, phase, address + got, `DFU_ABORT after the ${phase} read`, () => session.req.abort());
  return concat(parts, got);
}

/** Upload phase: read `length` bytes from `address`. */
export async function dfuseUpload(session: DfuSession, address: number, length: number): Promise<Uint8Array> {
  const tracker = new PhaseTracker(session, 'upload', length);
  const data = await dfuseRead(session, address, length, 'upload', (n) => tracker.add(n));
  tracker.end();
  return data;
}
