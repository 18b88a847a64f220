/**
 * `dfu-flash web build`: the site's files written to a folder a vendor can
 * host as it is. Never half-written: everything goes into a new folder next
 * to the target, each file flushed to disk, and only a complete folder is
 * renamed into place. An existing target is refused unless `force`; then it
 * is replaced in one rename and the old one removed afterwards.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DfuFlashError } from '../shared/errors.js';
import type { SiteFiles } from './site.js';

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function writeFlushed(path: string, body: Uint8Array): Promise<void> {
  const handle = await open(path, 'wx', 0o644);
  try {
    await handle.writeFile(body);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDir(path: string): Promise<void> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (handle === undefined) return;
  try {
    await handle.sync().catch(() => undefined); // not every file system syncs directories
  } finally {
    await handle.close();
  }
}

/** The files written (site-relative, sorted) into `outDir`. */
export async function writeSite(files: SiteFiles, outDir: string, force: boolean): Promise<string[]> {
  const parent = dirname(outDir);
  if (!(await exists(parent))) {
    throw new DfuFlashError('FILE_NOT_FOUND', `cannot write ${outDir}: its folder ${parent} does not exist`, { hint: 'create the folder first, or choose another -o' });
  }
  const replacing = await exists(outDir);
  if (replacing && !force) {
    throw new DfuFlashError('FILE_EXISTS', `${outDir} already exists`, { hint: 'choose another folder with -o, or add --force to replace it' });
  }
  const tag = `${process.pid}.${randomBytes(4).toString('hex')}`;
  const staging = join(parent, `.${basename(outDir)}.${tag}.tmp`);
  const names = [...files.keys()].map((p) => p.replace(/^\//, '')).sort();
  try {
    await mkdir(staging);
    for (const name of names) {
      const target = join(staging, name);
      await mkdir(dirname(target), { recursive: true });
      await writeFlushed(target, files.get(`/${name}`)!.body);
    }
    for (const dir of new Set(names.map((n) => dirname(join(staging, n))))) await syncDir(dir);
    if (replacing) {
      const old = join(parent, `.${basename(outDir)}.${tag}.old`);
      await rename(outDir, old);
      try {
        await rename(staging, outDir);
      } catch (e) {
        await rename(old, outDir).catch(() => undefined);
        throw e;
      }
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(staging, outDir);
    }
    await syncDir(parent);
  } catch (e) {
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
    if (e instanceof DfuFlashError) throw e;
    throw new DfuFlashError('FILE_NOT_FOUND', `cannot write the site to ${outDir}: ${(e as Error).message}`, { hint: 'check that the folder is writable and the disk is not full', cause: e });
  }
  return names;
}
