/** The package version, read from package.json next to dist/ (cheap: no imports beyond node:fs). */
import { readFileSync } from 'node:fs';

let cached: string | undefined;

export function packageVersion(): string {
  if (cached !== undefined) return cached;
  try {
    // dist/src/cli/version.js → package.json at the package root
    const text = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8');
    const version = (JSON.parse(text) as { version?: unknown }).version;
    cached = typeof version === 'string' ? version : '0.0.0';
  } catch {
    cached = '0.0.0';
  }
  return cached;
}

/** What --version prints. */
export function versionText(): string {
  return `dfu-flash ${packageVersion()}\n`;
}
