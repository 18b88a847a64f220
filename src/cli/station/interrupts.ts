/** Ctrl-C and SIGTERM of the process, as the station's interrupt source (while subscribed, they do not end the process). */
import type { Interrupts } from '../commands/env.js';

export const processInterrupts: Interrupts = (onInterrupt) => {
  const handler = (signal: NodeJS.Signals): void => onInterrupt(signal);
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
};
