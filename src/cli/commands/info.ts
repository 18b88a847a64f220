/** `dfu-flash info <file>`: the description on stdout, or with --json one result line. */
import { inspectFile } from '../file-tools.js';
import type { InfoInvocation } from '../invocation.js';
import { displayPath } from '../reporters/format.js';
import { toJsonLine } from '../reporters/json.js';
import { renderFileInfo } from '../render-file-info.js';
import type { ToolEnv } from './tool-env.js';

export async function runInfo(inv: InfoInvocation, env: ToolEnv): Promise<void> {
  const shown = displayPath(inv.file, env.io.cwd);
  const info = await inspectFile({ file: inv.file, name: shown, format: inv.format });
  if (inv.output.json) env.io.stdout.write(toJsonLine({ type: 'result', ok: true, operation: 'info', ...info }) + '\n');
  else env.io.stdout.write(renderFileInfo(info, shown));
}
