/** `dfu-flash upload <file>`: hand the request to the use case, report the result. */
import type { UploadInvocation } from '../invocation.js';
import type { CommandEnv } from './env.js';

export async function runUpload(inv: UploadInvocation, env: CommandEnv): Promise<void> {
  env.reporter.result(await env.ops.upload(inv.request, env.ctx));
}
