/** `dfu-flash doctor`: one line per check (ok / warn / fail, with a hint); exit 1 when a check fails. */
import { runDoctor, type Check } from '../doctor-checks.js';
import { EXIT_CHECKS_FAILED, EXIT_OK } from '../exit-codes.js';
import type { DoctorInvocation } from '../invocation.js';
import { systemWith } from '../system.js';
import { oneLine } from '../reporters/format.js';
import { toJsonLine } from '../reporters/json.js';
import type { Style } from '../reporters/types.js';
import { PLAIN_STYLE } from '../reporters/style.js';
import type { ToolEnv } from './tool-env.js';

export function renderChecks(checks: readonly Check[], style: Style): string {
  const mark = { ok: style.done('ok  '), warn: style.warning('warn'), fail: style.error('FAIL') };
  const lines: string[] = [];
  for (const c of checks) {
    lines.push(`${mark[c.status]}  ${oneLine(c.message)}`);
    if (c.hint !== undefined && c.hint !== '' && c.status !== 'ok') lines.push(`      ${style.hint('hint:')} ${oneLine(c.hint)}`);
  }
  return lines.join('\n') + '\n';
}

export async function runDoctorCommand(inv: DoctorInvocation, env: ToolEnv): Promise<number> {
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
  else env.io.stdout.write(renderChecks(checks, env.io.stdoutIsTTY ? await env.style() : PLAIN_STYLE));
  return ok ? EXIT_OK : EXIT_CHECKS_FAILED;
}
