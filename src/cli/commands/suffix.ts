/**
 * `dfu-flash suffix add|check|remove <file>`: dfu-suffix's job. The file is
 * changed in place (a temporary file renamed over it) or written to -o.
 */
import { Argument } from 'commander';
import type { ToolCommand } from '../command.js';
import type { Common } from '../invocation.js';
import type { SuffixAddRequest, SuffixEditRequest } from '../file-tools.js';
import { addOutput, addSuffixFields, SUFFIX_ACTIONS } from '../program-options.js';

export type SuffixAction = 'add' | 'check' | 'remove';

export type SuffixInvocation = Common & { command: 'suffix' } & (
    | { action: 'add'; request: SuffixAddRequest }
    | { action: 'check'; request: { file: string } }
    | { action: 'remove'; request: SuffixEditRequest }
  );

export const suffix: ToolCommand<SuffixInvocation> = {
  kind: 'tool',
  name: 'suffix',
  args: '',
  summary: "add, check or remove a file's DFU suffix (as dfu-suffix does)",
  examples: `
Examples:
  dfu-flash suffix add -v 0483 -p df11 firmware.bin            append a DFU suffix in place (as dfu-suffix -a)
  dfu-flash suffix check firmware.dfu                          print the suffix; exit 65 without a valid one
  dfu-flash suffix remove -o payload.bin firmware.dfu          write the payload to another file`,
  options: (cmd) =>
    addOutput(addSuffixFields(cmd.addArgument(new Argument('<action>', 'add, check or remove').choices(SUFFIX_ACTIONS)).argument('<file>', 'the firmware file')), false),
  async validate(raw, cwd) {
    const { z } = await import('zod');
    const s = await import('../schema.js');
    const [{ DfuFlashError }, { parseHex16 }] = await Promise.all([import('../../shared/errors.js'), import('../parse-values.js')]);
    const hex16 = (flag: string) => s.parsed((t) => parseHex16(flag, t));
    const schema = z
      .object({
        ...s.output,
        action: z.enum(SUFFIX_ACTIONS),
        file: s.file,
        vid: hex16('-v/--vid').optional(),
        pid: hex16('-p/--pid').optional(),
        did: hex16('-d/--did').optional(),
        spec: hex16('-S/--spec').optional(),
        output: z.string().min(1, '-o needs a file name').optional(),
        force: z.boolean().optional(),
      })
      .strict();
    const [action, name] = raw.args;
    const v = s.check(schema, { ...raw.opts, action, file: name });
    const out = s.toOutput(v);
    const path = s.resolve(cwd, v.file);
    const fieldFlags = [v.vid, v.pid, v.did, v.spec].some((x) => x !== undefined);
    if (v.action !== 'add' && fieldFlags) {
      throw new DfuFlashError('USAGE', `-v/-p/-d/-S set the fields of a new suffix; they do not apply to "suffix ${v.action}"`, {
        hint: `drop them, or use "dfu-flash suffix add"`,
      });
    }
    if (v.spec !== undefined && v.spec !== 0x0100 && v.spec !== 0x011a) {
      throw new DfuFlashError('USAGE', `invalid -S/--spec value ${JSON.stringify(String(raw.opts['spec']))}: a DFU suffix's bcdDFU is 0100 (DFU) or 011a (DfuSe)`, {
        hint: "the suffix format has those two versions only (dfu-suffix refuses others too); the device's own DFU version does not go here",
      });
    }
    if (v.action === 'check') {
      if (v.output !== undefined || v.force === true) throw new DfuFlashError('USAGE', '"suffix check" writes nothing, so -o and --force do not apply', { hint: 'drop -o/--force' });
      return { command: 'suffix', action: 'check', request: { file: path }, output: out };
    }
    if (v.force === true && v.output === undefined) {
      throw new DfuFlashError('USAGE', '--force only matters with -o (a file changed in place is always replaced)', { hint: 'drop --force, or give -o FILE' });
    }
    const edit = { file: path, ...(v.output !== undefined ? { output: s.resolve(cwd, v.output) } : {}), force: v.force === true };
    if (v.action === 'add') {
      const fields: SuffixAddRequest['fields'] = {};
      if (v.vid !== undefined) fields.idVendor = v.vid;
      if (v.pid !== undefined) fields.idProduct = v.pid;
      if (v.did !== undefined) fields.bcdDevice = v.did;
      if (v.spec !== undefined) fields.bcdDFU = v.spec;
      return { command: 'suffix', action: 'add', request: { ...edit, fields }, output: out };
    }
    return { command: 'suffix', action: 'remove', request: edit, output: out };
  },
  async run(inv, env) {
    const [{ hex16, hex32 }, tools, { displayPath }, { toJsonLine }, { renderSuffixCheck }, { finish }] = await Promise.all([
      import('../../shared/errors.js'),
      import('../file-tools.js'),
      import('../reporters/format.js'),
      import('../reporters/json.js'),
      import('../render-file-info.js'),
      import('./tool-env.js'),
    ]);
    const shown = (f: string): string => displayPath(f, env.io.cwd);
    const name = shown(inv.request.file);
    switch (inv.action) {
      case 'check': {
        const r = await tools.checkSuffixFile({ file: inv.request.file, name });
        if (inv.output.json) env.io.stdout.write(toJsonLine({ type: 'result', ok: true, operation: 'suffix', action: 'check', ...r }) + '\n');
        else env.io.stdout.write(renderSuffixCheck(r, name));
        return;
      }
      case 'add': {
        const r = await tools.addSuffixToFile({ ...inv.request, name });
        const sfx = r.suffix;
        const where = r.output === r.file ? name : `${name} → ${shown(r.output)}`;
        finish(
          env,
          inv.output,
          { operation: 'suffix', action: 'add', ...r },
          `Added a DFU suffix to ${where}: ${tools.suffixIds(sfx)}, bcdDevice 0x${hex16(sfx.bcdDevice)}, bcdDFU 0x${hex16(sfx.bcdDFU)}, dwCRC ${hex32(sfx.crc)} (${r.outBytes} bytes)`,
        );
        return;
      }
      case 'remove': {
        const r = await tools.removeSuffixFromFile({ ...inv.request, name });
        const where = r.output === r.file ? name : `${name} → ${shown(r.output)}`;
        finish(env, inv.output, { operation: 'suffix', action: 'remove', ...r }, `Removed the DFU suffix (${tools.suffixIds(r.suffix)}) from ${where}: ${r.outBytes} bytes of payload`);
        return;
      }
    }
  },
};
