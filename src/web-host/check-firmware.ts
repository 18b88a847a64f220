/**
 * Before serving or building: every firmware file named on the command line
 * read and parsed as the page will parse it (format detected from the
 * content, as `download` does), so a wrong path or a malformed file is
 * reported at once, with the CLI's exit status, and not in a browser later.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseFirmware } from '../api/operations.js';
import { DfuFlashError, hex32 } from '../shared/errors.js';
import { imageSize } from '../formats/image.js';
import type { FirmwareSource } from './site.js';

export interface CheckedFirmware {
  source: FirmwareSource;
  format: string;
  bytes: number;
  addressed: boolean;
}

export async function checkFirmware(sources: readonly FirmwareSource[]): Promise<CheckedFirmware[]> {
  const out: CheckedFirmware[] = [];
  for (const source of sources) {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(source.file));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new DfuFlashError('FILE_NOT_FOUND', `${source.file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a firmware file' : `cannot read (${code ?? String(e)})`}`, {
        hint: 'check the path (it is relative to the current directory)',
        cause: e,
      });
    }
    if (bytes.length === 0) throw new DfuFlashError('FORMAT', `${source.file} is empty`, { hint: 'check that the build produced the firmware file' });
    const image = parseFirmware(bytes, { fileName: source.file, format: source.format ?? 'auto' });
    if (image.addressed && source.address !== undefined) {
      throw new DfuFlashError('USAGE', `${basename(source.file)} says where its bytes go (${image.format}), so the address ${hex32(source.address)} has no use`, {
        hint: 'drop the address from -s (modifiers such as -s :leave are fine), or convert the file to a binary first',
        details: { reason: 'address-with-addressed-image' },
      });
    }
    out.push({ source, format: image.format, bytes: imageSize(image), addressed: image.addressed });
  }
  return out;
}
