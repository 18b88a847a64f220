/**
 * Validation of the commands added for devices as they really behave: DfuSe
 * command mode (`erase --mass --force`, `unprotect --force`), `leave`,
 * `reset`, and `run plan.json` (the plan file itself is checked in
 * plan-file.ts).
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { DfuFlashError } from '../shared/errors.js';
import type { DfuseOptions } from '../dfu/plan-types.js';
import type { Invocation } from './invocation.js';
import { check, flagOrParsed, parsed, toOutput } from './schema-helpers.js';
import { acquire, common, finishDevice, selection, timeout, toAcquire, toSelector, waitTimeout } from './schema-device.js';
import { parseInteger } from './parse-values.js';
import type { RawCommand } from './program.js';
import { loadPlanFile } from './plan-file.js';
import { displayPath } from './reporters/format.js';

const address = (flag: string) => parsed((s) => parseInteger(flag, s, { min: 0, max: 0xffffffff }));

const device = { ...selection, ...common, ...timeout, ...acquire };

export const eraseSchema = z
  .object({
    ...device,
    mass: z.boolean().optional(),
    force: z.boolean().optional(),
    leave: flagOrParsed((s) => parseInteger('--leave', s, { min: 0, max: 0xffffffff })).optional(),
  })
  .strict();
export const unprotectSchema = z.object({ ...device, force: z.boolean().optional() }).strict();
export const leaveSchema = z.object({ ...device, address: address('--address').optional() }).strict();
export const resetSchema = z.object(device).strict();
export const runSchema = z.object({ ...selection, ...common, ...timeout, file: z.string().min(1, 'the plan file name is empty'), all: z.boolean().optional(), waitTimeout }).strict();

function dfuse(o: Partial<DfuseOptions>): DfuseOptions {
  return { address: undefined, length: undefined, leave: false, massErase: false, unprotect: false, willReset: false, force: false, ...o };
}

function needForce(what: string, v: { force?: boolean | undefined }): void {
  if (v.force === true) return;
  throw new DfuFlashError('USAGE', `${what} erases everything in the flash: add --force to confirm`, {
    hint: `dfu-flash ${what} --force (another application, calibration data or EEPROM emulation in the flash is lost)`,
  });
}

export function toOpInvocation(raw: RawCommand, cwd: string): Invocation {
  const file = raw.args[0];
  const input = file === undefined ? raw.opts : { ...raw.opts, file };
  switch (raw.command) {
    case 'erase': {
      const v = check(eraseSchema, input);
      if (v.mass !== true) {
        throw new DfuFlashError('USAGE', 'erase needs --mass: dfu-flash erases the whole flash or nothing', {
          hint: 'a download erases the sectors the image needs by itself; use erase --mass --force to wipe the flash',
        });
      }
      needForce('erase --mass', v);
      const leave = v.leave === undefined ? {} : { leave: true, ...(v.leave === true ? {} : { address: v.leave }) };
      const request = { selector: toSelector(v), dfuse: dfuse({ massErase: true, force: true, ...leave }), ...toAcquire(v) };
      return finishDevice({ command: 'erase', request, output: toOutput(v) }, v, cwd);
    }
    case 'unprotect': {
      const v = check(unprotectSchema, input);
      needForce('unprotect', v);
      const request = { selector: toSelector(v), dfuse: dfuse({ unprotect: true, force: true }), ...toAcquire(v) };
      return finishDevice({ command: 'unprotect', request, output: toOutput(v) }, v, cwd);
    }
    case 'leave': {
      const v = check(leaveSchema, input);
      const request = { selector: toSelector(v), ...(v.address !== undefined ? { address: v.address } : {}), ...toAcquire(v) };
      return finishDevice({ command: 'leave', request, output: toOutput(v) }, v, cwd);
    }
    case 'reset': {
      const v = check(resetSchema, input);
      const request = { selector: toSelector(v), reset: true, ...toAcquire(v) };
      return finishDevice({ command: 'reset', request, output: toOutput(v) }, v, cwd);
    }
    case 'run': {
      const v = check(runSchema, input);
      const planFile = resolve(cwd, v.file);
      const plan = loadPlanFile(planFile, {
        selector: toSelector(v),
        ...(v.all === true ? { all: true } : {}),
        ...(v.waitTimeout !== undefined ? { waitTimeoutMs: v.waitTimeout } : {}),
      }, displayPath(planFile, cwd));
      if (plan.all && v.index !== undefined) {
        throw new DfuFlashError('USAGE', '--all and -N/--index contradict each other: -N chooses one device', { hint: 'drop -N, or run without --all' });
      }
      return finishDevice({ command: 'run', planFile, plan, output: toOutput(v) }, v, cwd);
    }
    default:
      throw new DfuFlashError('INTERNAL', `internal error: ${raw.command} is not a device operation`);
  }
}
