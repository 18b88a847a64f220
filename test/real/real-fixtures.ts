/**
 * Access to the shared real-world fixtures (../shared/fixtures/real next to
 * the repository). When they are not there, every suite skips and says so.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findRepoRoot } from '../unit/formats/helpers.js';

export const repoRoot = findRepoRoot();
export const realDir = resolve(repoRoot, '..', 'shared', 'fixtures', 'real');
export const realAvailable = existsSync(join(realDir, 'MANIFEST.md'));

/** `{ skip }` option for describe(): false when the fixtures are present, else the reason. */
export const skipUnlessReal: { skip: string | false } = {
  skip: realAvailable ? false : `real fixtures not found at ${realDir} (they live outside the repository); skipping`,
};

export function readReal(relative: string): Uint8Array {
  return new Uint8Array(readFileSync(join(realDir, relative)));
}

export function readRealText(relative: string): string {
  return readFileSync(join(realDir, relative), 'utf8');
}

/** Files (not folders) directly inside a fixture folder, sorted. */
export function listReal(folder: string): string[] {
  const dir = join(realDir, folder);
  return readdirSync(dir)
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort()
    .map((f) => `${folder}/${f}`);
}

export interface ManifestEntry {
  path: string;
  size: number;
  sha256Prefix: string;
}

/** Every `| \`path\` | size | \`sha256 prefix\` |` row of MANIFEST.md. */
export function manifestEntries(): ManifestEntry[] {
  const rows: ManifestEntry[] = [];
  for (const line of readRealText('MANIFEST.md').split('\n')) {
    const m = /^\| `([^`]+)` \| (\d+) \| `([0-9a-f]{16})` \|/.exec(line);
    if (m) rows.push({ path: m[1]!, size: Number(m[2]), sha256Prefix: m[3]! });
  }
  return rows;
}
