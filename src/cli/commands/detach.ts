/** `dfu-flash detach`: switch a runtime-mode device to its DFU bootloader, optionally wait for it; report the result. */
import { requestAtPath, type DeviceCommand } from '../command.js';
import type { Common } from '../invocation.js';
import { addCommon, addSelection, addTransferTimeout } from '../program-options.js';
import type { DetachRequest } from '../requests.js';

export interface DetachInvocation extends Common {
  command: 'detach';
  request: DetachRequest;
}

export const detach: DeviceCommand<DetachInvocation> = {
  kind: 'device',
  name: 'detach',
  args: '',
  summary: 'send DFU_DETACH to a runtime-mode device so it enters DFU mode',
  examples: `
Examples:
  dfu-flash detach                                             the only runtime-mode device
  dfu-flash detach -d 1d50:6018 -S C2C89BDB
  dfu-flash detach --wait --wait-timeout 20                    ... and wait until it is back in DFU mode`,
  options: (cmd) =>
    addTransferTimeout(addCommon(addSelection(cmd)))
      .option('-w, --wait', 'wait until the device is back in DFU mode (up to --wait-timeout)')
      .option('--wait-timeout <s>', 'seconds to wait for the device to come back in DFU mode (default 10)'),
  async validate(raw, cwd) {
    const { z } = await import('zod');
    const s = await import('../schema.js');
    const v = s.check(z.object({ ...s.selection, ...s.common, ...s.timeout, wait: z.boolean().optional(), waitTimeout: s.waitTimeout }).strict(), raw.opts);
    return s.finishDevice({ command: 'detach' as const, request: { selector: s.toSelector(v), ...s.toAcquire(v) }, output: s.toOutput(v) }, v, cwd);
  },
  atPath: requestAtPath,
  async run(inv, env) {
    const { runDetach } = await import('../operations.js');
    env.reporter.result(await runDetach(env.ops, env.ctx, inv.request));
  },
};
