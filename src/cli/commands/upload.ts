/** `dfu-flash upload <file>`: the library reads the memory, the file is written here (atomically), the result reported. */
import type { UploadInvocation } from '../invocation.js';
import { runUpload as upload } from '../operations.js';
import type { CommandEnv } from './env.js';

export async function runUpload(inv: UploadInvocation, env: CommandEnv): Promise<void> {
  env.reporter.result(await upload(env.ops, env.ctx, inv.request));
}
