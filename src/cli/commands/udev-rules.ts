/** `dfu-flash udev-rules [--install]`: print the rules, or install them (root, Linux) and reload udev. */
import { systemWith } from '../system.js';
import type { UdevRulesInvocation } from '../invocation.js';
import { toJsonLine } from '../reporters/json.js';
import { installUdevRules, udevRulesText } from '../udev.js';
import { KNOWN_DFU_DEVICES } from '../known-devices.js';
import { finish, type ToolEnv } from './tool-env.js';

export async function runUdevRules(inv: UdevRulesInvocation, env: ToolEnv): Promise<void> {
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
    for (const step of r.steps.filter((s) => !s.ok)) {
      env.io.stderr.write(`dfu-flash: ${style.warning('warning:')} "${step.command}" failed (${step.detail ?? 'unknown error'})\n`);
      env.io.stderr.write(`  ${style.hint('hint:')} the rules apply after the next reboot, or run it yourself\n`);
    }
  }
  const reloaded = r.steps.every((s) => s.ok) ? 'reloaded udev and re-applied the rules to USB devices' : 'udev was not fully reloaded (see above)';
  finish(env, inv.output, { operation: 'udev-rules', installed: true, ...r }, `Wrote ${r.path} (${r.devices} devices); ${reloaded}. Replug your device.`);
}
