/** The package version, read from package.json next to dist/ (cheap: no imports beyond node:fs). */
import { readFileSync } from 'node:fs';

let cached: string | undefined;

export function packageVersion(): string {
  if (cached !== undefined) return cached;
  cached = '0.0.0';
  // dist/src/cli/version.js, or a chunk of the bundle in dist/bundle/: walk up to the package root.
  for (let up = 1; up <= 5; up++) {
    try {
      const text = readFileSync(new URL('../'.repeat(up) + 'package.json', import.meta.url), 'utf8');
      const pkg = JSON.parse(text) as { name?: unknown; version?: unknown };
      if (pkg.name !== 'dfu-flash') continue;
      if (typeof pkg.version === 'string') cached = pkg.version;
      break;
    } catch {
      // not here; one level up
    }
  }
  return cached;
}

/** What --version prints. */
export function versionText(): string {
  return `dfu-flash ${packageVersion()}\n`;
}
