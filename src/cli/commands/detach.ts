/** `dfu-flash detach`: hand the request to the use case, report the result. */
import type { DetachInvocation } from '../invocation.js';
import type { CommandEnv } from './env.js';

export async function runDetach(inv: DetachInvocation, env: CommandEnv): Promise<void> {
  env.reporter.result(await env.ops.detach(inv.request, env.ctx));
}
