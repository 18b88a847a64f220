/**
 * Validation at the edge: one zod schema per command turns commander's raw
 * option strings into typed values, then into the typed request the use case
 * takes. Any bad value becomes a DfuFlashError ('USAGE', or 'BAD_ADDRESS_SPEC'
 * for -s) with a one-line message and a hint, before any backend exists.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { parseDfuseAddress } from '../dfu/dfuse-address.js';
import { DfuFlashError } from '../shared/errors.js';
import type { Invocation } from './invocation.js';
import { check, integer, parsed, toOutput } from './schema-helpers.js';
import { acquire, common, finishDevice, selection, timeout, toAcquire, toSelector, toSim, waitTimeout } from './schema-device.js';
import type { RawCommand } from './program.js';
import { toToolInvocation } from './schemas-tools.js';
import { toOpInvocation } from './schemas-ops.js';

export { toSelector, withSim } from './schema-device.js';

const transfer = {
  transferSize: integer('-t/--transfer-size', 1, 0xffff).optional(),
  dfuseAddress: parsed(parseDfuseAddress).optional(),
  reset: z.boolean().optional(),
};

const file = z.string().min(1, 'the file name is empty');

export const listSchema = z.object({ ...selection, ...common }).strict();
export const downloadSchema = z
  .object({
    ...selection,
    ...common,
    ...transfer,
    ...timeout,
    ...acquire,
    file,
    all: z.boolean().optional(),
    leaveWatch: integer('--leave-watch', 0, 600_000).optional(),
    verify: z.boolean().optional(),
    skipUnchanged: z.boolean().optional(),
    dryRun: z.boolean().optional(),
    format: z.enum(['auto', 'bin', 'ihex', 'srec', 'elf', 'dfuse']).optional(),
    ignoreSuffix: z.boolean().optional(),
  })
  .strict();
export const uploadSchema = z
  .object({
    ...selection,
    ...common,
    ...transfer,
    ...timeout,
    ...acquire,
    file,
    uploadSize: integer('-Z/--upload-size', 1, 0xffffffff).optional(),
    force: z.boolean().optional(),
  })
  .strict();
export const detachSchema = z.object({ ...selection, ...common, ...timeout, wait: z.boolean().optional(), waitTimeout }).strict();

/** Validate a parsed command line and build its typed invocation. */
export function toInvocation(raw: RawCommand, cwd: string): Invocation {
  const inv = buildInvocation(raw, cwd);
  return raw.notices === undefined || raw.notices.length === 0 ? inv : { ...inv, notices: raw.notices };
}

function buildInvocation(raw: RawCommand, cwd: string): Invocation {
  const file = raw.args[0];
  const input = file === undefined ? raw.opts : { ...raw.opts, file };
  switch (raw.command) {
    case 'list': {
      const v = check(listSchema, input);
      const inv = { command: 'list' as const, filter: toSelector(v), output: toOutput(v), ...(raw.dfuUtil === true ? { style: 'dfu-util' as const } : {}) };
      return finishDevice(inv, v, cwd);
    }
    case 'download': {
      const v = check(downloadSchema, input);
      const request = {
        selector: toSelector(v),
        file: resolve(cwd, v.file),
        ...(v.dfuseAddress !== undefined ? { dfuse: v.dfuseAddress } : {}),
        ...(v.transferSize !== undefined ? { transferSize: v.transferSize } : {}),
        reset: v.reset === true,
        ...(v.verify === true ? { verify: true } : {}),
        ...(v.skipUnchanged === true ? { skipUnchanged: true } : {}),
        ...(v.dryRun === true ? { dryRun: true } : {}),
        ...(v.format !== undefined && v.format !== 'auto' ? { format: v.format } : {}),
        ...(v.ignoreSuffix === true ? { ignoreSuffix: true } : {}),
        ...toAcquire(v),
        ...(v.leaveWatch !== undefined && v.leaveWatch > 0 ? { watchAfterLeaveMs: v.leaveWatch } : {}),
      };
      if (v.all === true && v.index !== undefined) {
        throw new DfuFlashError('USAGE', '--all and -N/--index contradict each other: -N chooses one device', {
          hint: 'drop -N to flash every matching board, or drop --all',
        });
      }
      return finishDevice({ command: 'download', request, output: toOutput(v), ...(v.all === true ? { all: true as const } : {}) }, v, cwd);
    }
    case 'upload': {
      const v = check(uploadSchema, input);
      const request = {
        selector: toSelector(v),
        file: resolve(cwd, v.file),
        ...(v.dfuseAddress !== undefined ? { dfuse: v.dfuseAddress } : {}),
        ...(v.uploadSize !== undefined ? { uploadSize: v.uploadSize } : {}),
        ...(v.transferSize !== undefined ? { transferSize: v.transferSize } : {}),
        force: v.force === true,
        reset: v.reset === true,
        ...toAcquire(v),
      };
      return finishDevice({ command: 'upload', request, output: toOutput(v) }, v, cwd);
    }
    case 'detach': {
      const v = check(detachSchema, input);
      const request = { selector: toSelector(v), ...toAcquire(v) };
      return finishDevice({ command: 'detach', request, output: toOutput(v) }, v, cwd);
    }
    case 'erase':
    case 'unprotect':
    case 'leave':
    case 'reset':
    case 'run':
      return toOpInvocation(raw, cwd);
    default:
      return toToolInvocation(raw, cwd, (v) => toSim(v, cwd));
  }
}
