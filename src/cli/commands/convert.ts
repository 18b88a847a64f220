/** `dfu-flash convert <input> -o <output>`: any firmware file to bin, Intel HEX, S-record or DfuSe .dfu. */
import type { ToolCommand } from '../command.js';
import type { Common } from '../invocation.js';
import type { ConvertRequest, ConvertTarget } from '../file-tools.js';
import { addConvertOptions, addOutput, CONVERT_TARGETS, IMAGE_SIZE_CONVENTIONS, INPUT_FORMATS } from '../program-options.js';

export interface ConvertInvocation extends Common {
  command: 'convert';
  request: ConvertRequest;
}

const TO_NAMES = { bin: 'raw binary', hex: 'Intel HEX', srec: 'S-record', dfu: 'DfuSe .dfu' } as const;

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

export const convert: ToolCommand<ConvertInvocation> = {
  kind: 'tool',
  name: 'convert',
  args: '<input>',
  summary: 'convert a firmware file to bin, Intel HEX, S-record or DfuSe .dfu',
  examples: `
Examples:
  dfu-flash convert firmware.elf -o firmware.bin               flattened from the lowest address, gaps 0xFF
  dfu-flash convert firmware.hex -o firmware.dfu --vid 0483 --pid df11
  dfu-flash convert app.bin --address 0x08004000 -o app.srec
  dfu-flash convert multi.dfu --alt 1 -o option-bytes.bin`,
  options: (cmd) => addOutput(addConvertOptions(cmd)),
  async validate(raw, cwd) {
    const { z } = await import('zod');
    const s = await import('../schema.js');
    const [{ DfuFlashError }, { parseHex16 }, { extensionOf }] = await Promise.all([import('../../shared/errors.js'), import('../parse-values.js'), import('../../formats/index.js')]);
    const hex16 = (flag: string) => s.parsed((t) => parseHex16(flag, t));
    const schema = z
      .object({
        ...s.output,
        file: s.file,
        output: z.string().min(1, '-o needs a file name'),
        to: z.enum(CONVERT_TARGETS).optional(),
        format: z.enum(INPUT_FORMATS).optional(),
        address: s.integer('--address', 0, 0xffffffff).optional(),
        alt: s.integer('--alt', 0, 255).optional(),
        vid: hex16('--vid').optional(),
        pid: hex16('--pid').optional(),
        deviceBcd: hex16('--device-bcd').optional(),
        targetName: z.string().optional(),
        imageSize: z.enum(IMAGE_SIZE_CONVENTIONS).optional(),
        gapFill: s.integer('--gap-fill', 0, 255).optional(),
        force: z.boolean().optional(),
      })
      .strict();
    const v = s.check(schema, s.withFile(raw));
    // --to, else the output file's extension
    const to = v.to ?? TARGET_BY_EXTENSION[extensionOf(v.output)];
    if (to === undefined) {
      throw new DfuFlashError('USAGE', `cannot tell the output format from the name ${JSON.stringify(v.output)}`, {
        hint: 'add --to bin, hex, srec or dfu (or name the file .bin, .hex, .srec or .dfu)',
      });
    }
    const request: ConvertRequest = {
      input: s.resolve(cwd, v.file),
      output: s.resolve(cwd, v.output),
      to,
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
    return { command: 'convert', request, output: s.toOutput(v) };
  },
  async run(inv, env) {
    const [{ convertFile }, { FORMAT_NAMES }, { displayPath }, { finish }] = await Promise.all([
      import('../file-tools.js'),
      import('../../formats/index.js'),
      import('../reporters/format.js'),
      import('./tool-env.js'),
    ]);
    const shown = (f: string): string => displayPath(f, env.io.cwd);
    const r = await convertFile({ ...inv.request, name: shown(inv.request.input) });
    const segments = `${r.segments.length} segment${r.segments.length === 1 ? '' : 's'}`;
    const targets = r.targets === undefined ? '' : `, ${r.targets.length} target${r.targets.length === 1 ? '' : 's'} (alt ${r.targets.map((t) => t.alternateSetting).join(', ')})`;
    finish(
      env,
      inv.output,
      { operation: 'convert', ...r },
      `Converted ${shown(r.input)} (${FORMAT_NAMES[r.from]}, ${r.dataBytes} bytes of data in ${segments}) to ${shown(r.output)} (${TO_NAMES[r.to]}, ${r.outBytes} bytes${targets})`,
    );
  },
};
