/**
 * `dfu-flash download <file>`: hand the request to the use case, report the
 * result. With --dry-run the plan goes to stdout, one step per line (with
 * --json it is in the result line instead). With --all every matching board
 * is flashed in parallel (commands/download-all.ts).
 */
import type { DownloadInvocation } from '../invocation.js';
import { oneLine } from '../reporters/format.js';
import type { CommandEnv } from './env.js';

export async function runDownload(inv: DownloadInvocation, env: CommandEnv): Promise<number | void> {
  if (inv.all === true) return (await import('./download-all.js')).runDownloadAll(inv, env);
  const result = await env.ops.download(inv.request, env.ctx);
  if (result.plan !== undefined && !inv.output.json) {
    env.reporter.close();
    env.io.stdout.write(result.plan.map((l) => oneLine(l) + '\n').join(''));
  }
  env.reporter.result(result);
}
