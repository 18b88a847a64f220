/**
 * `dfu-flash station` validation: commander's raw values → StationInvocation.
 * A FILE ending in .json is a plan file (its selection, overridden by the
 * flags, and its steps); anything else is a firmware file with the download
 * options. Refused here, before any device is touched: options the station
 * cannot honour (-N and -n choose one device; -w, --wait-timeout,
 * --no-auto-detach and --all make no sense for boards that arrive), download
 * options next to a plan (they belong in its steps), and detach steps (the
 * station flashes boards already in DFU mode, never a runtime one).
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { parseDfuseAddress } from '../../dfu/dfuse-address.js';
import { DfuFlashError } from '../../shared/errors.js';
import { check, common, finishDevice, integer, parsed, selection, timeout, toOutput, toSelector, withFile } from '../schema.js';
import { parseSecondsToMs } from '../parse-values.js';
import { loadPlanFile } from '../plan-file.js';
import { INPUT_FORMATS } from '../program-options.js';
import { displayPath } from '../reporters/format.js';
import type { StationInvocation, StationWork } from '../commands/station.js';

const DOWNLOAD_FLAGS = {
  transferSize: '-t/--transfer-size',
  dfuseAddress: '-s/--dfuse-address',
  reset: '-R/--reset',
  verify: '--verify/--no-verify',
  skipUnchanged: '--skip-unchanged',
  format: '--format',
  ignoreSuffix: '--ignore-suffix',
} as const;

export const stationSchema = z
  .object({
    ...selection,
    ...common,
    ...timeout,
    file: z.string().min(1, 'the file name is empty'),
    transferSize: integer('-t/--transfer-size', 1, 0xffff).optional(),
    dfuseAddress: parsed(parseDfuseAddress).optional(),
    reset: z.boolean().optional(),
    verify: z.boolean().optional(),
    skipUnchanged: z.boolean().optional(),
    format: z.enum(INPUT_FORMATS).optional(),
    ignoreSuffix: z.boolean().optional(),
    jobs: integer('--jobs', 1, 1000).optional(),
    count: integer('--count', 1, 10_000_000).optional(),
    timeout: parsed((s) => parseSecondsToMs('--timeout', s, 7 * 24 * 3600)).optional(),
    again: z.boolean().optional(),
    log: z.string().min(1, '--log needs a file name').optional(),
  })
  .strict();

function refuse(message: string, hint: string): never {
  throw new DfuFlashError('USAGE', message, { hint });
}

export function toStationInvocation(raw: { args: string[]; opts: Record<string, unknown> }, cwd: string): StationInvocation {
  const v = check(stationSchema, withFile(raw));
  if (v.index !== undefined) refuse('-N/--index chooses one listed device: the station flashes every board that arrives', 'select the boards with -d, -S, -p or -a instead');
  if (v.devnum !== undefined) refuse('-n/--devnum names one enumeration: a board gets a new device address each time it is plugged in', 'select the boards with -d, -S, -p or -a instead');
  if (v.dfuseAddress?.unprotect === true) refuse('-s ...:unprotect cannot be part of a station download (the chip erases itself and resets)', 'lift the protection with dfu-flash unprotect --force first');
  if (v.dfuseAddress?.length !== undefined) refuse(`-s with a length (${v.dfuseAddress.length}) reads memory: the station downloads`, 'write -s ADDR[:leave][:mass-erase:force][:will-reset]');
  const selector = toSelector(v);
  const path = resolve(cwd, v.file);
  let work: StationWork;
  if (/\.json$/i.test(v.file)) {
    const given = (Object.keys(DOWNLOAD_FLAGS) as (keyof typeof DOWNLOAD_FLAGS)[]).find((k) => v[k] !== undefined);
    if (given !== undefined) {
      refuse(`${DOWNLOAD_FLAGS[given]} cannot be given with a plan file: the plan's download steps say how to flash`, `put it in the plan's download step (e.g. "address": "0x08000000:leave"), or drop it`);
    }
    const plan = loadPlanFile(path, { selector, all: true }, displayPath(path, cwd));
    const detach = plan.steps.findIndex((s) => s.kind === 'detach');
    if (detach >= 0) {
      refuse(`plan file ${displayPath(path, cwd)}: steps[${detach}].detach: the station flashes boards already in DFU mode and never detaches one`, 'remove the detach step; start each board in its bootloader (BOOT0 high, then reset)');
    }
    work = { kind: 'plan', planFile: path, plan };
  } else {
    const request = {
      selector,
      file: path,
      ...(v.dfuseAddress !== undefined ? { dfuse: v.dfuseAddress } : {}),
      ...(v.transferSize !== undefined ? { transferSize: v.transferSize } : {}),
      reset: v.reset === true,
      ...(v.verify !== undefined ? { verify: v.verify } : {}),
      ...(v.skipUnchanged === true ? { skipUnchanged: true } : {}),
      ...(v.format !== undefined && v.format !== 'auto' ? { format: v.format } : {}),
      ...(v.ignoreSuffix === true ? { ignoreSuffix: true } : {}),
    };
    work = { kind: 'download', request };
  }
  const inv: StationInvocation = {
    command: 'station',
    output: toOutput(v),
    selector: work.kind === 'plan' ? work.plan.selector : selector,
    work,
    again: v.again === true,
    ...(v.jobs !== undefined ? { jobs: v.jobs } : {}),
    ...(v.count !== undefined ? { count: v.count } : {}),
    ...(v.timeout !== undefined ? { timeoutMs: v.timeout } : {}),
    ...(v.log !== undefined ? { logFile: resolve(cwd, v.log) } : {}),
  };
  return finishDevice(inv, v, cwd);
}
