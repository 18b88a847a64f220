/** `dfu-flash leave [--address A]` / `reset` (dfu-util's `-s [ADDR]:leave` or `-R` without a file). */
import { requestAtPath, type DeviceCommand } from '../command.js';
import type { Common } from '../invocation.js';
import { addAcquire, addCommon, addSelection, addTransferTimeout } from '../program-options.js';
import type { LeaveRequest } from '../requests.js';

export interface LeaveInvocation extends Common {
  command: 'leave' | 'reset';
  request: LeaveRequest;
}

const device = (cmd: Parameters<DeviceCommand['options']>[0]) => addAcquire(addTransferTimeout(addCommon(addSelection(cmd))));

async function run(inv: LeaveInvocation, env: Parameters<DeviceCommand['run']>[1]): Promise<void> {
  const { runLeave } = await import('../operations.js');
  env.reporter.result(await runLeave(env.ops, env.ctx, inv.request), inv.command);
}

export const leave: DeviceCommand<LeaveInvocation & { command: 'leave' }> = {
  kind: 'device',
  name: 'leave',
  args: '',
  summary: 'leave DFU mode and start the application (DfuSe: jump to --address; DFU 1.1: reset)',
  examples: `
Examples:
  dfu-flash leave                                              start the application
  dfu-flash leave --address 0x08004000                         DfuSe: jump to 0x08004000
  (dfu-util: -s :leave)`,
  options: (cmd) => device(cmd).option('--address <addr>', 'DfuSe: the address to jump to (default: the one the device uses)'),
  async validate(raw, cwd) {
    const { z } = await import('zod');
    const s = await import('../schema.js');
    const v = s.check(z.object({ ...s.selection, ...s.common, ...s.timeout, ...s.acquire, address: s.integer('--address', 0, 0xffffffff).optional() }).strict(), raw.opts);
    const request = { selector: s.toSelector(v), ...(v.address !== undefined ? { address: v.address } : {}), ...s.toAcquire(v) };
    return s.finishDevice({ command: 'leave' as const, request, output: s.toOutput(v) }, v, cwd);
  },
  atPath: requestAtPath,
  run,
};

export const reset: DeviceCommand<LeaveInvocation & { command: 'reset' }> = {
  kind: 'device',
  name: 'reset',
  args: '',
  summary: 'reset the device (DFU_DETACH, then a USB reset unless it detaches by itself)',
  examples: `
Examples:
  dfu-flash reset -p 1-1.4
  (dfu-util: -R)`,
  options: device,
  async validate(raw, cwd) {
    const { z } = await import('zod');
    const s = await import('../schema.js');
    const v = s.check(z.object({ ...s.selection, ...s.common, ...s.timeout, ...s.acquire }).strict(), raw.opts);
    return s.finishDevice({ command: 'reset' as const, request: { selector: s.toSelector(v), reset: true, ...s.toAcquire(v) }, output: s.toOutput(v) }, v, cwd);
  },
  atPath: requestAtPath,
  run,
};
