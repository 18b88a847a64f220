/** `dfu-flash doctor`: one line per check (ok / warn / fail, with a hint); exit 1 when a check fails. */
import type { ToolCommand } from '../command.js';
import type { Check } from '../doctor-checks.js';
import type { Common } from '../invocation.js';
import { addOutput, addSimulation } from '../program-options.js';
import type { Style } from '../reporters/types.js';
import type { ToolEnv } from './tool-env.js';

export interface DoctorInvocation extends Common {
  command: 'doctor';
}

export const doctor: ToolCommand<DoctorInvocation> = {
  kind: 'tool',
  name: 'doctor',
  args: '',
  summary: 'check Node, the usb package, udev rules and every DFU device found',
  examples: `
Examples:
  dfu-flash doctor
  dfu-flash doctor --json
  dfu-flash doctor --simulate stm32f4-sysboot`,
  options: (cmd) => addOutput(addSimulation(cmd)),
  async validate(raw, cwd) {
    const { z } = await import('zod');
    const s = await import('../schema.js');
    const v = s.check(z.object({ ...s.output, ...s.simulation }).strict(), raw.opts);
    return s.withSim({ command: 'doctor' as const, output: s.toOutput(v) }, s.toSim(v, cwd));
  },
  run: (inv, env) => runDoctorCommand(inv, env),
};

export async function renderChecks(checks: readonly Check[], style: Style): Promise<string> {
  const { oneLine } = await import('../reporters/format.js');
  const mark = { ok: style.done('ok  '), warn: style.warning('warn'), fail: style.error('FAIL') };
  const lines: string[] = [];
  for (const c of checks) {
    lines.push(`${mark[c.status]}  ${oneLine(c.message)}`);
    if (c.hint !== undefined && c.hint !== '' && c.status !== 'ok') lines.push(`      ${style.hint('hint:')} ${oneLine(c.hint)}`);
  }
  return lines.join('\n') + '\n';
}

async function runDoctorCommand(inv: DoctorInvocation, env: ToolEnv): Promise<number> {
  const [{ runDoctor }, { EXIT_CHECKS_FAILED, EXIT_OK }, { systemWith }, { toJsonLine }, { PLAIN_STYLE }] = await Promise.all([
    import('../doctor-checks.js'),
    import('../exit-codes.js'),
    import('../system.js'),
    import('../reporters/json.js'),
    import('../reporters/style.js'),
  ]);
  const system = systemWith(env.deps.system);
  const { clock } = env.deps;
  const createBackend = env.deps.createBackend ?? (await import('../backend.js')).createDefaultBackend;
  const { systemClock } = await import('../../transport/clock.js');
  const sim = inv.sim;
  const checks = await runDoctor({
    system,
    loadUsb: () => createBackend({ kind: 'usb', clock: clock ?? systemClock }),
    simulated: sim === undefined ? undefined : () => createBackend({ kind: 'sim', profiles: sim.profiles, timeScale: sim.timeScale, clock: clock ?? systemClock }),
  });
  const ok = !checks.some((c) => c.status === 'fail');
  if (inv.output.json) env.io.stdout.write(toJsonLine({ type: 'result', ok, operation: 'doctor', checks }) + '\n');
  else env.io.stdout.write(await renderChecks(checks, env.io.stdoutIsTTY ? await env.style() : PLAIN_STYLE));
  return ok ? EXIT_OK : EXIT_CHECKS_FAILED;
}
