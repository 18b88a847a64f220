/**
 * DfuSe command mode: `dfu-flash erase --mass --force` and `dfu-flash
 * unprotect --force` (dfu-util's `-s :mass-erase:force`, `-s :unprotect:force`).
 * Both erase everything, so both need --force.
 */
import { requestAtPath, type DeviceCommand } from '../command.js';
import type { Common } from '../invocation.js';
import { addAcquire, addCommon, addSelection, addTransferTimeout } from '../program-options.js';
import type { DfuseCommandRequest } from '../requests.js';

export interface EraseInvocation extends Common {
  command: 'erase';
  request: DfuseCommandRequest;
}

export interface UnprotectInvocation extends Common {
  command: 'unprotect';
  request: DfuseCommandRequest;
}

const device = (cmd: Parameters<DeviceCommand['options']>[0]) => addAcquire(addTransferTimeout(addCommon(addSelection(cmd))));

async function needForce(what: string, v: { force?: boolean | undefined }): Promise<void> {
  if (v.force === true) return;
  const { DfuFlashError } = await import('../../shared/errors.js');
  throw new DfuFlashError('USAGE', `${what} erases everything in the flash: add --force to confirm`, {
    hint: `dfu-flash ${what} --force (another application, calibration data or EEPROM emulation in the flash is lost)`,
  });
}

async function run(inv: EraseInvocation | UnprotectInvocation, env: Parameters<DeviceCommand['run']>[1]): Promise<void> {
  const { runDfuseCommand } = await import('../operations.js');
  env.reporter.result(await runDfuseCommand(env.ops, env.ctx, inv.request), inv.command === 'erase' ? 'mass-erase' : 'unprotect');
}

export const erase: DeviceCommand<EraseInvocation> = {
  kind: 'device',
  name: 'erase',
  args: '',
  summary: 'DfuSe: erase the whole flash of the alt setting (mass erase)',
  examples: `
Examples:
  dfu-flash erase --mass --force                               all of the flash of alt 0 (DfuSe)
  dfu-flash erase --mass --force --leave 0x08000000            ... then jump to 0x08000000
  (dfu-util: -s :mass-erase:force)`,
  options: (cmd) =>
    device(cmd)
      .option('--mass', 'erase every sector (required: a download erases only the sectors it needs by itself)')
      .option('--force', 'confirm: everything in the flash is lost')
      .option('--leave [address]', 'leave DFU mode afterwards (jumping to address, if given)'),
  async validate(raw, cwd) {
    const { z } = await import('zod');
    const s = await import('../schema.js');
    const { parseInteger } = await import('../parse-values.js');
    const { DfuFlashError } = await import('../../shared/errors.js');
    const schema = z
      .object({ ...s.selection, ...s.common, ...s.timeout, ...s.acquire, mass: z.boolean().optional(), force: z.boolean().optional(), leave: s.flagOrParsed((t) => parseInteger('--leave', t, { min: 0, max: 0xffffffff })).optional() })
      .strict();
    const v = s.check(schema, raw.opts);
    if (v.mass !== true) {
      throw new DfuFlashError('USAGE', 'erase needs --mass: dfu-flash erases the whole flash or nothing', {
        hint: 'a download erases the sectors the image needs by itself; use erase --mass --force to wipe the flash',
      });
    }
    await needForce('erase --mass', v);
    const leave = v.leave === undefined ? {} : { leave: true, ...(v.leave === true ? {} : { address: v.leave }) };
    const request = { selector: s.toSelector(v), dfuse: s.dfuseOptions({ massErase: true, force: true, ...leave }), ...s.toAcquire(v) };
    return s.finishDevice({ command: 'erase' as const, request, output: s.toOutput(v) }, v, cwd);
  },
  atPath: requestAtPath,
  run,
};

export const unprotect: DeviceCommand<UnprotectInvocation> = {
  kind: 'device',
  name: 'unprotect',
  args: '',
  summary: 'DfuSe: lift read-out protection (the chip erases its whole flash and resets)',
  examples: `
Examples:
  dfu-flash unprotect --force                                  the chip erases its flash and resets
  (dfu-util: -s :unprotect:force)`,
  options: (cmd) => device(cmd).option('--force', 'confirm: everything in the flash is lost'),
  async validate(raw, cwd) {
    const { z } = await import('zod');
    const s = await import('../schema.js');
    const v = s.check(z.object({ ...s.selection, ...s.common, ...s.timeout, ...s.acquire, force: z.boolean().optional() }).strict(), raw.opts);
    await needForce('unprotect', v);
    const request = { selector: s.toSelector(v), dfuse: s.dfuseOptions({ unprotect: true, force: true }), ...s.toAcquire(v) };
    return s.finishDevice({ command: 'unprotect' as const, request, output: s.toOutput(v) }, v, cwd);
  },
  atPath: requestAtPath,
  run,
};
