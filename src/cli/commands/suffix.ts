/**
 * `dfu-flash suffix add|check|remove <file>`: dfu-suffix's job. The file is
 * changed in place (a temporary file renamed over it) or written to -o.
 */
import { hex16, hex32 } from '../../shared/errors.js';
import { addSuffixToFile, checkSuffixFile, removeSuffixFromFile, suffixIds } from '../file-tools.js';
import type { SuffixInvocation } from '../invocation.js';
import { displayPath } from '../reporters/format.js';
import { toJsonLine } from '../reporters/json.js';
import { renderSuffixCheck } from '../render-file-info.js';
import { finish, type ToolEnv } from './tool-env.js';

export async function runSuffix(inv: SuffixInvocation, env: ToolEnv): Promise<void> {
  const shown = (f: string): string => displayPath(f, env.io.cwd);
  const name = shown(inv.request.file);
  switch (inv.action) {
    case 'check': {
      const r = await checkSuffixFile({ file: inv.request.file, name });
      if (inv.output.json) env.io.stdout.write(toJsonLine({ type: 'result', ok: true, operation: 'suffix', action: 'check', ...r }) + '\n');
      else env.io.stdout.write(renderSuffixCheck(r, name));
      return;
    }
    case 'add': {
      const r = await addSuffixToFile({ ...inv.request, name });
      const s = r.suffix;
      const where = r.output === r.file ? name : `${name} → ${shown(r.output)}`;
      finish(
        env,
        inv.output,
        { operation: 'suffix', action: 'add', ...r },
        `Added a DFU suffix to ${where}: ${suffixIds(s)}, bcdDevice 0x${hex16(s.bcdDevice)}, bcdDFU 0x${hex16(s.bcdDFU)}, dwCRC ${hex32(s.crc)} (${r.outBytes} bytes)`,
      );
      return;
    }
    case 'remove': {
      const r = await removeSuffixFromFile({ ...inv.request, name });
      const where = r.output === r.file ? name : `${name} → ${shown(r.output)}`;
      finish(env, inv.output, { operation: 'suffix', action: 'remove', ...r }, `Removed the DFU suffix (${suffixIds(r.suffix)}) from ${where}: ${r.outBytes} bytes of payload`);
      return;
    }
  }
}
