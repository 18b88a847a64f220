/** What every command receives: the use-case context, the output, the reporter and the use cases. */
import type { OpContext } from '../../ops/types.js';
import type { CliIo, OpsApi } from '../io.js';
import type { Reporter } from '../reporters/types.js';

export interface CommandEnv {
  ctx: OpContext;
  io: CliIo;
  reporter: Reporter;
  ops: OpsApi;
}
