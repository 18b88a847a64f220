/** `dfu-flash leave [--address A]` / `reset` (dfu-util's `-s [ADDR]:leave` or `-R` without a file). */
import type { LeaveInvocation } from '../invocation.js';
import { runLeave as leave } from '../operations.js';
import type { CommandEnv } from './env.js';

export async function runLeave(inv: LeaveInvocation, env: CommandEnv): Promise<void> {
  env.reporter.result(await leave(env.ops, env.ctx, inv.request), inv.command);
}
