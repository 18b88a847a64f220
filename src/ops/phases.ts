/** Collects per-phase figures from the event stream for the operation's result. */
import { DfuFlashError, hex32, isDfuFlashError } from '../shared/errors.js';
import type { Emit, FlashEvent, Phase } from '../dfu/events.js';
import type { PhaseSummary } from './types.js';

export function recordPhases(emit: Emit): { emit: Emit; phases: PhaseSummary[] } {
  const phases: PhaseSummary[] = [];
  return {
    phases,
    emit: (event: FlashEvent) => {
      if (event.type === 'phase-end') phases.push({ phase: event.phase, bytes: event.bytes, elapsedMs: Math.round(event.elapsedMs) });
      emit(event);
    },
  };
}

/**
 * Errors from outside any engine phase (opening the device, SET_INTERFACE,
 * getting it to dfuIDLE, switching alt settings) carry no phase. `run`
 * labels them with where the operation was: before the first phase (and its
 * first address), or after the last phase that ended. `emit` must see the events.
 */
export function labelPhaseless(emit: Emit, first: { phase: Phase; address?: number | undefined }): { emit: Emit; run<T>(fn: () => Promise<T>): Promise<T> } {
  let where: { when: 'before' | 'during' | 'after'; phase: Phase; address?: number | undefined } = { when: 'before', ...first };
  return {
    emit: (event: FlashEvent) => {
      if (event.type === 'phase-start') where = { when: 'during', phase: event.phase };
      else if (event.type === 'phase-end') where = { when: 'after', phase: event.phase };
      emit(event);
    },
    async run<T>(fn: () => Promise<T>): Promise<T> {
      try {
        return await fn();
      } catch (e) {
        if (!isDfuFlashError(e) || e.details['phase'] !== undefined) throw e;
        const at = where.address === undefined ? '' : ` at ${hex32(where.address)}`;
        throw new DfuFlashError(e.code, `${where.when} the ${where.phase}${at}: ${e.message}`, {
          hint: e.hint,
          cause: e,
          details: { ...e.details, phase: where.phase, ...(where.address === undefined ? {} : { address: where.address }) },
        });
      }
    },
  };
}
