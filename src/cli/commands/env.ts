/** What every command receives: the operation context, the output, the reporter and the library operations. */
import type { CommonOptions } from '../../api/types.js';
import type { OpContext } from '../../ops/types.js';
import type { CliIo, OpsApi } from '../io.js';
import type { Reporter, Style } from '../reporters/types.js';

export interface CommandEnv {
  ctx: OpContext;
  io: CliIo;
  reporter: Reporter;
  ops: OpsApi;
  /** Colours for stderr (the plain style when colour is off). */
  style: Style;
  /** For platform-specific hints in per-board errors. */
  platform: NodeJS.Platform;
  /** Ctrl-C and SIGTERM for commands that end on them (the station); default: the process's signals. */
  interrupts?: Interrupts | undefined;
}

/** Subscribe to interrupt requests (SIGINT, SIGTERM); returns the function that unsubscribes. */
export type Interrupts = (onInterrupt: (signal: string) => void) => () => void;

/** The options every library call takes, from the command's context (its events go to `emit`). */
export function commonOptions(ctx: OpContext, emit = ctx.emit): CommonOptions {
  return {
    backend: ctx.backend,
    clock: ctx.clock,
    onEvent: emit,
    ...(ctx.trace ? { trace: true } : {}),
    ...(ctx.transferTimeoutMs !== undefined ? { transferTimeoutMs: ctx.transferTimeoutMs } : {}),
    ...(ctx.signal !== undefined ? { signal: ctx.signal } : {}),
  };
}
