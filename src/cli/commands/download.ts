/**
 * `dfu-flash download <file>`: the file read and parsed here, the library
 * flashes it, the result reported. With --dry-run the plan goes to stdout,
 * one step per line (with --json it is in the result line instead). With
 * --all every matching board is flashed in parallel (commands/download-all.ts).
 */
import type { DownloadInvocation } from '../invocation.js';
import { runDownload as download } from '../operations.js';
import { oneLine } from '../reporters/format.js';
import type { CommandEnv } from './env.js';

export async function runDownload(inv: DownloadInvocation, env: CommandEnv): Promise<number | void> {
  if (inv.all === true) return (await import('./download-all.js')).runDownloadAll(inv, env);
  const result = await download(env.ops, env.ctx, inv.request);
  if (result.plan !== undefined && !inv.output.json) {
    env.reporter.close();
    env.io.stdout.write(result.plan.map((l) => oneLine(l) + '\n').join(''));
  }
  env.reporter.result(result);
}
