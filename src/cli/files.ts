/** Reading inputs and writing outputs: clear errors, and never a half-written file. */
import { constants as fsConstants } from 'node:fs';
import { access, link, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DfuFlashError } from '../shared/errors.js';

export async function readInputFile(file: string): Promise<Uint8Array> {
  try {
    const st = await stat(file);
    if (st.isDirectory()) {
      throw new DfuFlashError('FILE_NOT_FOUND', `${file} is a directory, not a firmware file`, { hint: 'give the path of the firmware file' });
    }
    return new Uint8Array(await readFile(file));
  } catch (e) {
    if (e instanceof DfuFlashError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new DfuFlashError('FILE_NOT_FOUND', `${file}: no such file`, { hint: 'check the path (it is relative to the current directory)' });
    }
    if (code === 'EACCES' || code === 'EPERM') {
      throw new DfuFlashError('FILE_NOT_FOUND', `${file}: permission denied`, { hint: 'check the file permissions' });
    }
    throw new DfuFlashError('FILE_NOT_FOUND', `${file}: cannot read (${(e as Error).message})`, { cause: e });
  }
}

/** Refuse early (before any transfer) when the output exists and may not be replaced, or its folder is missing. */
export async function checkOutputFile(file: string, force: boolean): Promise<void> {
  if (!force) {
    const exists = await stat(file).then(
      () => true,
      () => false,
    );
    if (exists) {
      throw new DfuFlashError('FILE_EXISTS', `${file} already exists`, { hint: 'choose another name, or add --force to replace it' });
    }
  }
  try {
    await access(dirname(file) || '.', fsConstants.W_OK);
  } catch {
    throw new DfuFlashError('FILE_NOT_FOUND', `cannot write ${file}: its folder does not exist or is not writable`, {
      hint: 'create the folder or choose another path',
    });
  }
}

/**
 * Write `data` to a temporary file next to `file`, flush it, then move it into
 * place. Without `force`, the final step refuses to replace an existing file
 * (a hard link, which fails if the name is taken).
 */
export async function writeFileAtomic(file: string, data: Uint8Array, force: boolean): Promise<void> {
  const tmp = join(dirname(file) || '.', `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx', 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    if (force) {
      await rename(tmp, file);
    } else {
      try {
        await link(tmp, file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
          throw new DfuFlashError('FILE_EXISTS', `${file} already exists`, { hint: 'choose another name, or add --force to replace it' });
        }
        throw e;
      }
      await unlink(tmp);
    }
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}
