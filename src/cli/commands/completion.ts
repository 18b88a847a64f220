/** `dfu-flash completion bash|zsh|fish`: the script on stdout. */
import { SIM_PROFILES } from '../../sim/index.js';
import { completionSpec } from '../completion-spec.js';
import { bashCompletion, fishCompletion, zshCompletion } from '../completion-scripts.js';
import type { CompletionInvocation } from '../invocation.js';
import type { ToolEnv } from './tool-env.js';

export async function runCompletion(inv: CompletionInvocation, env: ToolEnv): Promise<void> {
  const spec = completionSpec(SIM_PROFILES.map((p) => p.name));
  const script = inv.shell === 'bash' ? bashCompletion(spec) : inv.shell === 'zsh' ? zshCompletion(spec) : fishCompletion(spec);
  env.io.stdout.write(script);
}
