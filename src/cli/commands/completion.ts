/** `dfu-flash completion bash|zsh|fish`: the script on stdout. */
import { Argument } from 'commander';
import type { ToolCommand } from '../command.js';
import type { Common } from '../invocation.js';
import { SHELLS } from '../program-options.js';

export type Shell = 'bash' | 'zsh' | 'fish';

export interface CompletionInvocation extends Common {
  command: 'completion';
  shell: Shell;
}

export const completion: ToolCommand<CompletionInvocation> = {
  kind: 'tool',
  name: 'completion',
  args: '',
  summary: 'print a shell completion script',
  examples: `
Examples:
  dfu-flash completion bash > /etc/bash_completion.d/dfu-flash
  dfu-flash completion zsh > "\${fpath[1]}/_dfu-flash"
  dfu-flash completion fish > ~/.config/fish/completions/dfu-flash.fish`,
  options: (cmd) => cmd.addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(SHELLS)),
  async validate(raw) {
    const { z } = await import('zod');
    const s = await import('../schema.js');
    const v = s.check(z.object({ shell: z.enum(SHELLS) }).strict(), { shell: raw.args[0] });
    return { command: 'completion', shell: v.shell, output: { json: false, quiet: false, verbose: 0 } };
  },
  async run(inv, env) {
    const [{ SIM_PROFILES }, { completionSpec }, scripts] = await Promise.all([import('../../sim/index.js'), import('../completion-spec.js'), import('../completion-scripts.js')]);
    const spec = completionSpec(SIM_PROFILES.map((p) => p.name));
    const script = inv.shell === 'bash' ? scripts.bashCompletion(spec) : inv.shell === 'zsh' ? scripts.zshCompletion(spec) : scripts.fishCompletion(spec);
    env.io.stdout.write(script);
  },
};
