/** Temporary folders and the fixture locations the file-tool tests use. */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (dist/test/cli/ → ../../../). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const FORMATS = join(ROOT, 'fixtures', 'formats');
/** ../shared beside the repository (as in CI and on the developers' machines). */
export const REAL = join(ROOT, '..', 'shared', 'fixtures', 'real');
export const GENERATED = join(REAL, 'generated');
/** Real fixtures are shared, read-only material; tests that need them skip with a message when absent. */
export const HAVE_REAL = existsSync(join(REAL, 'MANIFEST.md'));
export const HAVE_GENERATED = existsSync(join(GENERATED, 'dfuse-pack', 'single_element_0x08000000.dfu'));

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'dfu-flash-cli-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The names in a folder, sorted (to show that no temporary file was left behind). */
export async function listDir(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}
