/** `dfu-flash info <file>`: the description on stdout, or with --json one result line. */
import type { ToolCommand } from '../command.js';
import type { Common } from '../invocation.js';
import { addFormat, addOutput, INPUT_FORMATS } from '../program-options.js';
import type { FirmwareFormatChoice } from '../requests.js';

export interface InfoInvocation extends Common {
  command: 'info';
  file: string;
  format: FirmwareFormatChoice;
}

export const info: ToolCommand<InfoInvocation> = {
  kind: 'tool',
  name: 'info',
  args: '<file>',
  summary: 'describe a firmware file: format, segments, start address, DFU suffix, DfuSe targets',
  examples: `
Examples:
  dfu-flash info firmware.dfu                                  targets, elements, suffix, image-size convention
  dfu-flash info --json firmware.hex`,
  options: (cmd) => addOutput(addFormat(cmd)),
  async validate(raw, cwd) {
    const { z } = await import('zod');
    const s = await import('../schema.js');
    const v = s.check(z.object({ ...s.output, file: s.file, format: z.enum(INPUT_FORMATS).optional() }).strict(), s.withFile(raw));
    return { command: 'info', file: s.resolve(cwd, v.file), format: v.format ?? 'auto', output: s.toOutput(v) };
  },
  async run(inv, env) {
    const [{ inspectFile }, { displayPath }, { toJsonLine }, { renderFileInfo }] = await Promise.all([
      import('../file-tools.js'),
      import('../reporters/format.js'),
      import('../reporters/json.js'),
      import('../render-file-info.js'),
    ]);
    const shown = displayPath(inv.file, env.io.cwd);
    const info = await inspectFile({ file: inv.file, name: shown, format: inv.format });
    if (inv.output.json) env.io.stdout.write(toJsonLine({ type: 'result', ok: true, operation: 'info', ...info }) + '\n');
    else env.io.stdout.write(renderFileInfo(info, shown));
  },
};
