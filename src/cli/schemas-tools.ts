/**
 * Schemas of the commands that need no device: info, suffix, convert,
 * udev-rules, doctor, completion. Same rules as schemas.ts: every bad value
 * is a DfuFlashError('USAGE') with a hint, raised before anything runs.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { DfuFlashError } from '../shared/errors.js';
import type { ConvertTarget } from './file-tools.js';
import type { DfuSuffixFields } from '../formats/index.js';
import { extensionOf } from '../formats/index.js';
import type { Invocation, SimOptions, ToolInvocation } from './invocation.js';
import { parseHex16 } from './parse-values.js';
import { check, integer, output, parsed, simulation, toOutput } from './schema-helpers.js';
import type { RawCommand } from './program.js';
import { CONVERT_TARGETS, IMAGE_SIZE_CONVENTIONS, INPUT_FORMATS, SHELLS, SUFFIX_ACTIONS } from './program-options.js';

const hex16 = (flag: string) => parsed((s) => parseHex16(flag, s));
const file = z.string().min(1, 'the file name is empty');

export const infoSchema = z.object({ ...output, file, format: z.enum(INPUT_FORMATS).optional() }).strict();

export const suffixSchema = z
  .object({
    ...output,
    action: z.enum(SUFFIX_ACTIONS),
    file,
    vid: hex16('-v/--vid').optional(),
    pid: hex16('-p/--pid').optional(),
    did: hex16('-d/--did').optional(),
    spec: hex16('-S/--spec').optional(),
    output: z.string().min(1, '-o needs a file name').optional(),
    force: z.boolean().optional(),
  })
  .strict();

export const convertSchema = z
  .object({
    ...output,
    file,
    output: z.string().min(1, '-o needs a file name'),
    to: z.enum(CONVERT_TARGETS).optional(),
    format: z.enum(INPUT_FORMATS).optional(),
    address: integer('--address', 0, 0xffffffff).optional(),
    alt: integer('--alt', 0, 255).optional(),
    vid: hex16('--vid').optional(),
    pid: hex16('--pid').optional(),
    deviceBcd: hex16('--device-bcd').optional(),
    targetName: z.string().optional(),
    imageSize: z.enum(IMAGE_SIZE_CONVENTIONS).optional(),
    gapFill: integer('--gap-fill', 0, 255).optional(),
    force: z.boolean().optional(),
  })
  .strict();

export const udevRulesSchema = z.object({ ...output, install: z.boolean().optional() }).strict();
export const doctorSchema = z.object({ ...output, ...simulation }).strict();
export const completionSchema = z.object({ shell: z.enum(SHELLS) }).strict();

const TARGET_BY_EXTENSION: Record<string, ConvertTarget> = {
  bin: 'bin',
  hex: 'hex',
  ihex: 'hex',
  ihx: 'hex',
  srec: 'srec',
  s19: 'srec',
  s28: 'srec',
  s37: 'srec',
  mot: 'srec',
  dfu: 'dfu',
};

/** --to, else the output file's extension. */
export function convertTargetFor(to: ConvertTarget | undefined, output: string): ConvertTarget {
  if (to !== undefined) return to;
  const byExtension = TARGET_BY_EXTENSION[extensionOf(output)];
  if (byExtension === undefined) {
    throw new DfuFlashError('USAGE', `cannot tell the output format from the name ${JSON.stringify(output)}`, {
      hint: 'add --to bin, hex, srec or dfu (or name the file .bin, .hex, .srec or .dfu)',
    });
  }
  return byExtension;
}

function suffixFields(v: z.output<typeof suffixSchema>): DfuSuffixFields {
  const f: DfuSuffixFields = {};
  if (v.vid !== undefined) f.idVendor = v.vid;
  if (v.pid !== undefined) f.idProduct = v.pid;
  if (v.did !== undefined) f.bcdDevice = v.did;
  if (v.spec !== undefined) f.bcdDFU = v.spec;
  return f;
}

function toSuffix(raw: RawCommand, cwd: string): Invocation {
  const [action, name] = raw.args;
  const v = check(suffixSchema, { ...raw.opts, action, file: name });
  const out = toOutput(v);
  const path = resolve(cwd, v.file);
  const fieldFlags = [v.vid, v.pid, v.did, v.spec].some((x) => x !== undefined);
  if (v.action !== 'add' && fieldFlags) {
    throw new DfuFlashError('USAGE', `-v/-p/-d/-S set the fields of a new suffix; they do not apply to "suffix ${v.action}"`, {
      hint: `drop them, or use "dfu-flash suffix add"`,
    });
  }
  if (v.spec !== undefined && v.spec !== 0x0100 && v.spec !== 0x011a) {
    throw new DfuFlashError('USAGE', `invalid -S/--spec value ${JSON.stringify(String(raw.opts['spec']))}: a DFU suffix's bcdDFU is 0100 (DFU) or 011a (DfuSe)`, {
      hint: 'the suffix format has those two versions only (dfu-suffix refuses others too); the device\'s own DFU version does not go here',
    });
  }
  if (v.action === 'check') {
    if (v.output !== undefined || v.force === true) throw new DfuFlashError('USAGE', '"suffix check" writes nothing, so -o and --force do not apply', { hint: 'drop -o/--force' });
    return { command: 'suffix', action: 'check', request: { file: path }, output: out };
  }
  if (v.force === true && v.output === undefined) {
    throw new DfuFlashError('USAGE', '--force only matters with -o (a file changed in place is always replaced)', { hint: 'drop --force, or give -o FILE' });
  }
  const edit = { file: path, ...(v.output !== undefined ? { output: resolve(cwd, v.output) } : {}), force: v.force === true };
  if (v.action === 'add') return { command: 'suffix', action: 'add', request: { ...edit, fields: suffixFields(v) }, output: out };
  return { command: 'suffix', action: 'remove', request: edit, output: out };
}

function toConvert(raw: RawCommand, cwd: string): Invocation {
  const v = check(convertSchema, { ...raw.opts, file: raw.args[0] });
  const outputPath = resolve(cwd, v.output);
  const request = {
    input: resolve(cwd, v.file),
    output: outputPath,
    to: convertTargetFor(v.to, v.output),
    force: v.force === true,
    ...(v.format !== undefined && v.format !== 'auto' ? { format: v.format } : {}),
    ...(v.address !== undefined ? { address: v.address } : {}),
    ...(v.alt !== undefined ? { alt: v.alt } : {}),
    ...(v.vid !== undefined ? { idVendor: v.vid } : {}),
    ...(v.pid !== undefined ? { idProduct: v.pid } : {}),
    ...(v.deviceBcd !== undefined ? { bcdDevice: v.deviceBcd } : {}),
    ...(v.targetName !== undefined ? { targetName: v.targetName } : {}),
    ...(v.imageSize !== undefined ? { imageSizeConvention: v.imageSize } : {}),
    ...(v.gapFill !== undefined ? { gapFill: v.gapFill } : {}),
  };
  return { command: 'convert', request, output: toOutput(v) };
}

/** The invocation of a device-less command. `sim` turns --simulate values into SimOptions. */
export function toToolInvocation(raw: RawCommand, cwd: string, sim: (v: { simulate?: string[] | undefined; simTimeScale?: number | undefined }) => SimOptions | undefined): ToolInvocation {
  switch (raw.command) {
    case 'info': {
      const v = check(infoSchema, { ...raw.opts, file: raw.args[0] });
      return { command: 'info', file: resolve(cwd, v.file), format: v.format ?? 'auto', output: toOutput(v) };
    }
    case 'suffix':
      return toSuffix(raw, cwd) as ToolInvocation;
    case 'convert':
      return toConvert(raw, cwd) as ToolInvocation;
    case 'udev-rules': {
      const v = check(udevRulesSchema, raw.opts);
      return { command: 'udev-rules', install: v.install === true, output: toOutput(v) };
    }
    case 'doctor': {
      const v = check(doctorSchema, raw.opts);
      const s = sim(v);
      const inv: ToolInvocation = { command: 'doctor', output: toOutput(v) };
      return s === undefined ? inv : { ...inv, sim: s };
    }
    case 'completion': {
      const v = check(completionSchema, { shell: raw.args[0] });
      return { command: 'completion', shell: v.shell, output: { json: false, quiet: false, verbose: 0 } };
    }
    default:
      throw new DfuFlashError('INTERNAL', `no schema for command ${raw.command}`);
  }
}
