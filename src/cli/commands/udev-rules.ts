/** `dfu-flash udev-rules [--install]`: print the rules, or install them (root, Linux) and reload udev. */
import type { ToolCommand } from '../command.js';
import type { Common } from '../invocation.js';
import { addOutput } from '../program-options.js';

export interface UdevRulesInvocation extends Common {
  command: 'udev-rules';
  install: boolean;
}

export const udevRules: ToolCommand<UdevRulesInvocation> = {
  kind: 'tool',
  name: 'udev-rules',
  args: '',
  summary: 'print udev rules giving the logged-in user access to known DFU devices (Linux)',
  examples: `
Examples:
  dfu-flash udev-rules                                         print the rules
  sudo dfu-flash udev-rules --install                          write /etc/udev/rules.d/70-dfu-flash.rules and reload udev`,
  options: (cmd) => addOutput(cmd.option('--install', 'write them to /etc/udev/rules.d/70-dfu-flash.rules and reload udev (as root)')),
  async validate(raw) {
    const { z } = await import('zod');
    const s = await import('../schema.js');
    const v = s.check(z.object({ ...s.output, install: z.boolean().optional() }).strict(), raw.opts);
    return { command: 'udev-rules', install: v.install === true, output: s.toOutput(v) };
  },
  async run(inv, env) {
    const [{ systemWith }, { toJsonLine }, { installUdevRules, udevRulesText }, { KNOWN_DFU_DEVICES }, { finish }] = await Promise.all([
      import('../system.js'),
      import('../reporters/json.js'),
      import('../udev.js'),
      import('../known-devices.js'),
      import('./tool-env.js'),
    ]);
    const system = systemWith(env.deps.system);
    const text = udevRulesText(KNOWN_DFU_DEVICES, system.udevRulesPath);
    if (!inv.install) {
      if (inv.output.json) env.io.stdout.write(toJsonLine({ type: 'result', ok: true, operation: 'udev-rules', path: system.udevRulesPath, rules: text }) + '\n');
      else env.io.stdout.write(text);
      return;
    }
    const r = await installUdevRules(system, text);
    const style = await env.style();
    if (!inv.output.json && !inv.output.quiet) {
      for (const step of r.steps.filter((st) => !st.ok)) {
        env.io.stderr.write(`dfu-flash: ${style.warning('warning:')} "${step.command}" failed (${step.detail ?? 'unknown error'})\n`);
        env.io.stderr.write(`  ${style.hint('hint:')} the rules apply after the next reboot, or run it yourself\n`);
      }
    }
    const reloaded = r.steps.every((st) => st.ok) ? 'reloaded udev and re-applied the rules to USB devices' : 'udev was not fully reloaded (see above)';
    finish(env, inv.output, { operation: 'udev-rules', installed: true, ...r }, `Wrote ${r.path} (${r.devices} devices); ${reloaded}. Replug your device.`);
  },
};
