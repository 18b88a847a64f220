/** `dfu-flash convert <input> -o <output>`: any firmware file to bin, Intel HEX, S-record or DfuSe .dfu. */
import { convertFile } from '../file-tools.js';
import { FORMAT_NAMES } from '../../formats/index.js';
import type { ConvertInvocation } from '../invocation.js';
import { displayPath } from '../reporters/format.js';
import { finish, type ToolEnv } from './tool-env.js';

const TO_NAMES = { bin: 'raw binary', hex: 'Intel HEX', srec: 'S-record', dfu: 'DfuSe .dfu' } as const;

export async function runConvert(inv: ConvertInvocation, env: ToolEnv): Promise<void> {
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
}
