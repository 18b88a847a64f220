/**
 * Freeing a device that stays busy (dfuDNBUSY and friends) long past what it
 * asked for. What is known to unstick real devices, in order, each bounded:
 *
 *   1. DFU_ABORT;
 *   2. the DFU_CLRSTATUS pair STM32CubeProgrammer sends to stuck STM32H7 ROMs
 *      (the first CLRSTATUS moves a wedged H7 to dfuERROR/errUNKNOWN, the second,
 *      legal in dfuERROR, to dfuIDLE). Spec-strict ROMs (STM32C5) STALL a
 *      CLRSTATUS outside dfuERROR: the stall is expected, and a stalled request
 *      leaves such a device in dfuERROR, from where CLRSTATUS is legal;
 *   3. a USB reset. The device may re-enumerate, which the session cannot
 *      survive: then the outcome is 'needs-reacquire' and the operation must
 *      close the session, find the device again (same port path / serial) and
 *      start over with ensureIdle.
 *
 * After each step the device is asked (GETSTATUS, never before the last
 * reply's bwPollTimeout has passed) and driven the rest of the way as
 * ensureIdle would (CLRSTATUS from dfuERROR, ABORT from the idle-in-transfer
 * states). Every transfer has a short timeout, every wait a cap, so a device
 * that cannot be saved is reported within seconds.
 */
import { DfuState, DfuStatus } from './constants.js';
import { isDfuFlashError } from '../shared/errors.js';
import { replyTime } from './poll-time.js';
import { stateName, statusName, type DfuStatusReply } from './status.js';
import type { DfuSession } from './session.js';

/** What came of an attempt to free a stuck device. */
export type Recovery = 'recovered' | 'needs-reacquire' | 'failed';

export type UnstickStep = 'DFU_ABORT' | 'DFU_CLRSTATUS' | 'USB reset';

export interface UnstickOutcome {
  recovery: Recovery;
  /** The step after which the device was free (or left the bus to re-enumerate). */
  by?: UnstickStep | undefined;
  /** Every step sent, with what the device did after it, for messages and tests. */
  tried: { step: UnstickStep; result: string }[];
}

export interface UnstickOptions {
  /** The last GETSTATUS reply (its bwPollTimeout is honoured before the first GETSTATUS). */
  last?: DfuStatusReply | undefined;
  /** Send a USB reset as the last step (default true). */
  reset?: boolean | undefined;
  /** The CLRSTATUS pair before DFU_ABORT: the known fix first (STM32H7 ROMs, quirk stuckBusyRecovery). */
  clrStatusFirst?: boolean | undefined;
}

/** Timeout of each control transfer of a recovery step. */
export const STEP_TIMEOUT_MS = 1000;
/** The longest a recovery waits for a reported bwPollTimeout before asking again. */
export const MAX_POLL_WAIT_MS = 1000;
/** Looks at a device still busy after a step: it may need its poll time once more to settle. */
const BUSY_LOOKS_PER_STEP = 2;
/** CLRSTATUS / ABORT sent after a step to take the device on to dfuIDLE (dfuERROR → CLRSTATUS, …). */
const MAX_FIXES = 3;

const IDLE_IN_TRANSFER: ReadonlySet<number> = new Set([DfuState.dfuDNLOAD_IDLE, DfuState.dfuUPLOAD_IDLE]);

type Look = DfuStatusReply | 'stall' | 'silent' | 'gone' | 'error';

/** Errors that mean the device is no longer there (after a USB reset: it re-enumerates). */
const GONE: ReadonlySet<string> = new Set(['DEVICE_GONE', 'USB_IO']);

/** What a failed request says about the device: it stalled, it did not answer, it left, or the step itself failed (a reset WinUSB cannot do). */
function failure(e: unknown): 'stall' | 'silent' | 'gone' | 'error' {
  if (isDfuFlashError(e, 'STALL')) return 'stall';
  if (isDfuFlashError(e, 'TIMEOUT')) return 'silent';
  return isDfuFlashError(e) && GONE.has(e.code) ? 'gone' : 'error';
}

function describe(look: Look): string {
  return typeof look === 'string' ? look : `${stateName(look.state)}, ${statusName(look.status)}`;
}

/** Wait until the next GETSTATUS is allowed after `last` (at most MAX_POLL_WAIT_MS from now). */
export async function waitOutPoll(session: Pick<DfuSession, 'clock'>, last: DfuStatusReply | undefined): Promise<void> {
  if (last === undefined || last.pollTimeoutMs <= 0) return;
  const ready = replyTime(session, last) + last.pollTimeoutMs;
  const now = session.clock.now();
  if (ready > now) await session.clock.sleepUntil(Math.min(ready, now + MAX_POLL_WAIT_MS));
}

class Unsticker {
  private last: DfuStatusReply | undefined;
  readonly tried: UnstickOutcome['tried'] = [];

  constructor(
    private readonly session: DfuSession,
    last: DfuStatusReply | undefined,
  ) {
    this.last = last;
  }

  private async look(): Promise<Look> {
    await waitOutPoll(this.session, this.last);
    try {
      const reply = await this.session.req.getStatus(STEP_TIMEOUT_MS);
      this.last = reply;
      return reply;
    } catch (e) {
      return failure(e);
    }
  }

  /** One request of a step; a stall is an answer (strict ROMs), a vanished device is reported. */
  private async send(fn: () => Promise<void>): Promise<'ok' | 'stall' | 'silent' | 'gone' | 'error'> {
    try {
      await fn();
      return 'ok';
    } catch (e) {
      return failure(e);
    }
  }

  /** After a step: ask, and take the device the rest of the way to dfuIDLE where that is legal. */
  private async settle(): Promise<'idle' | 'gone' | Look> {
    let busyLooks = 0;
    let fixes = 0;
    for (;;) {
      const look = await this.look();
      if (look === 'gone') return 'gone';
      if (typeof look === 'string') return look;
      if (look.state === DfuState.dfuIDLE) return look.status === DfuStatus.OK ? 'idle' : look;
      if (look.state === DfuState.dfuERROR || IDLE_IN_TRANSFER.has(look.state)) {
        if (++fixes > MAX_FIXES) return look;
        const fix = look.state === DfuState.dfuERROR ? () => this.session.req.clrStatus(STEP_TIMEOUT_MS) : () => this.session.req.abort(STEP_TIMEOUT_MS);
        if ((await this.send(fix)) === 'gone') return 'gone';
        continue;
      }
      if (look.state === DfuState.appIDLE || look.state === DfuState.appDETACH || look.state === DfuState.dfuMANIFEST_WAIT_RESET) {
        return look; // not stuck, somewhere else: the caller's business
      }
      // still busy: wait its poll time (look() does) and ask again, a few times
      if (++busyLooks >= BUSY_LOOKS_PER_STEP) return look;
    }
  }

  async step(step: UnstickStep, request: () => Promise<void>): Promise<'idle' | 'gone' | undefined> {
    const sent = await this.send(request);
    const words = { ok: 'sent', stall: 'stalled', silent: 'got no answer', gone: 'failed: the device is gone', error: 'failed' };
    this.session.emit({ type: 'debug', message: `unsticking: ${step} ${words[sent]}` });
    if (sent === 'gone') {
      this.tried.push({ step, result: 'the device left the bus' });
      return 'gone';
    }
    const after = await this.settle();
    this.tried.push({ step, result: after === 'idle' ? 'dfuIDLE' : describe(after) });
    return after === 'idle' || after === 'gone' ? after : undefined;
  }

  /** Leave the device so that the next GETSTATUS (this run's or the next run's) is not early. */
  async finish(): Promise<void> {
    await waitOutPoll(this.session, this.last);
  }
}

/** Sessions whose device this recovery could not free: recoverToIdle does not try the same steps again. */
const givenUp = new WeakSet<object>();

/** Has unstickDevice already failed on this session (so another attempt would only repeat it)? */
export function recoveryFailedOn(session: Pick<DfuSession, 'req'>): boolean {
  return givenUp.has(session.req);
}

/** Try to free a stuck device (see the file comment). Never throws for what the device does. */
export async function unstickDevice(session: DfuSession, options: UnstickOptions = {}): Promise<UnstickOutcome> {
  const outcome = await tryToFree(session, options);
  if (outcome.recovery !== 'recovered') givenUp.add(session.req);
  return outcome;
}

async function tryToFree(session: DfuSession, options: UnstickOptions): Promise<UnstickOutcome> {
  const u = new Unsticker(session, options.last);
  const { req } = session;
  const abort: [UnstickStep, () => Promise<void>] = ['DFU_ABORT', () => req.abort(STEP_TIMEOUT_MS)];
  const clear: [UnstickStep, () => Promise<void>] = ['DFU_CLRSTATUS', () => req.clrStatus(STEP_TIMEOUT_MS)];
  const steps = options.clrStatusFirst ? [clear, abort] : [abort, clear];
  if (options.reset !== false) steps.push(['USB reset', () => req.transport.reset()]);
  for (const [step, request] of steps) {
    const done = await u.step(step, request);
    if (done === 'idle') return { recovery: 'recovered', by: step, tried: u.tried };
    if (done === 'gone') return { recovery: 'needs-reacquire', by: step, tried: u.tried };
  }
  await u.finish();
  return { recovery: 'failed', tried: u.tried };
}

/** What to tell the user after an outcome. */
export function recoveryHint(outcome: UnstickOutcome): string {
  switch (outcome.recovery) {
    case 'recovered':
      return `${outcome.by} freed it and it is back in dfuIDLE: run the command again`;
    case 'needs-reacquire':
      return `it left the bus after ${outcome.by === 'USB reset' ? 'a USB reset' : outcome.by} and comes back freed: run the command again once it is back`;
    case 'failed':
      return 'nothing freed it (DFU_ABORT, DFU_CLRSTATUS twice, a USB reset): power-cycle the board (unplug it, or switch its power off and on), then run the command again';
  }
}
