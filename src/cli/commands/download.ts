/** `dfu-flash download <file>`: hand the request to the use case, report the result. */
import type { DownloadInvocation } from '../invocation.js';
import type { CommandEnv } from './env.js';

export async function runDownload(inv: DownloadInvocation, env: CommandEnv): Promise<void> {
  env.reporter.result(await env.ops.download(inv.request, env.ctx));
}
