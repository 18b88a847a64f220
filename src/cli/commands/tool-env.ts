/** What the device-less commands receive, and how they print a result. */
import type { CliDeps, CliIo } from '../io.js';
import type { OutputOptions } from '../invocation.js';
import { toJsonLine } from '../reporters/json.js';
import type { Style } from '../reporters/types.js';

export interface ToolEnv {
  io: CliIo;
  deps: CliDeps;
  /** Colours for stderr (loads chalk only when used on a terminal). */
  style(): Promise<Style>;
}

/** --json: the result line on stdout; else the sentence on stderr unless --quiet. */
export function finish(env: ToolEnv, output: OutputOptions, json: Record<string, unknown>, sentence: string): void {
  if (output.json) env.io.stdout.write(toJsonLine({ type: 'result', ok: true, ...json }) + '\n');
  else if (!output.quiet && sentence !== '') env.io.stderr.write(sentence + '\n');
}
