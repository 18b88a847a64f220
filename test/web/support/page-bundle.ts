/**
 * Test pages' scripts, bundled for the browser on the fly with esbuild from
 * the compiled tree (dist/), under the same rules as the product bundles
 * (scripts/web-bundle-rules.mjs: no Node built-ins, no usb).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { REPO_ROOT } from '../../e2e/harness/run.js';

interface Rules {
  browserBuildOptions: Record<string, unknown>;
  checkBrowserCode(name: string, code: string): void;
}

let rules: Promise<Rules> | undefined;
const loadRules = (): Promise<Rules> => (rules ??= import(pathToFileURL(join(REPO_ROOT, 'scripts/web-bundle-rules.mjs')).href) as Promise<Rules>);

/** One ES module: `entry` is relative to dist/ (e.g. 'test/web/pages/scenarios.js'). */
export async function bundleForBrowser(entry: string): Promise<string> {
  const r = await loadRules();
  const out = await build({ ...r.browserBuildOptions, entryPoints: [join(REPO_ROOT, 'dist', entry)], format: 'esm', write: false, sourcemap: 'inline' });
  const code = out.outputFiles[0]!.text;
  r.checkBrowserCode(entry, code);
  return code;
}

/** A file of the built browser bundles (dist/web/…); run `npm run build` first. */
export function builtWebFile(name: string): string {
  return readFileSync(join(REPO_ROOT, 'dist/web', name), 'utf8');
}

/** The classic script that installs the fake navigator.usb with these options before the page's scripts. */
export function fakeUsbInjection(options: Record<string, unknown>): string {
  return `${builtWebFile('sim-inject.js')}\nDfuFlashSim.installFakeWebUsb(${JSON.stringify(options)});\n`;
}

export const MODULE_PAGE = (src: string): string => `<!doctype html><meta charset="utf-8"><title>dfu-flash test</title><script type="module" src="${src}"></script>`;
