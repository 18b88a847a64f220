/** `dfu-flash erase --mass --force` / `unprotect --force` (dfu-util's `-s :mass-erase:force`, `-s :unprotect:force`). */
import type { DfuseCommandInvocation } from '../invocation.js';
import { runDfuseCommand as command } from '../operations.js';
import type { CommandEnv } from './env.js';

export async function runDfuseCommand(inv: DfuseCommandInvocation, env: CommandEnv): Promise<void> {
  const result = await command(env.ops, env.ctx, inv.request);
  env.reporter.result(result, inv.command === 'erase' ? 'mass-erase' : 'unprotect');
}
