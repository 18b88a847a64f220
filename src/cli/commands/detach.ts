/** `dfu-flash detach`: hand the request to the library, report the result. */
import type { DetachInvocation } from '../invocation.js';
import { runDetach as detach } from '../operations.js';
import type { CommandEnv } from './env.js';

export async function runDetach(inv: DetachInvocation, env: CommandEnv): Promise<void> {
  env.reporter.result(await detach(env.ops, env.ctx, inv.request));
}
