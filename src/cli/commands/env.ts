/** What every command receives: the use-case context, the output, the reporter and the use cases. */
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
}
