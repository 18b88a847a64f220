/** Collects per-phase figures from the event stream for the operation's result. */
import type { Emit, FlashEvent } from '../dfu/events.js';
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
