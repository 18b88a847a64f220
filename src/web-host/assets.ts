/**
 * The built files of the flasher page (dist/web: page/index.html,
 * page/flasher.css, page/flasher.js and dfu-flash.js), found from this
 * module's own location whether it runs from dist/src or from the CLI bundle.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DfuFlashError } from '../shared/errors.js';

export interface PageAssets {
  /** The page's HTML, with the empty configuration element the site fills in. */
  indexHtml: string;
  css: Uint8Array;
  script: Uint8Array;
  /** dfu-flash/web, which the page script imports as ./dfu-flash.js. */
  library: Uint8Array;
}

/** The package's dist/web: the first folder up from here whose package.json names dfu-flash. */
export function webDir(from: string = fileURLToPath(import.meta.url)): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'dfu-flash') return join(dir, 'dist/web');
      } catch {
        // not ours: keep looking
      }
    }
    if (dirname(dir) === dir) return join(dirname(dirname(from)), 'web');
  }
}

export async function loadPageAssets(dir: string = webDir()): Promise<PageAssets> {
  const read = async (name: string): Promise<Buffer> => {
    try {
      return await readFile(join(dir, name));
    } catch (e) {
      throw new DfuFlashError('FILE_NOT_FOUND', `the flasher page is not built: ${join(dir, name)} is missing`, {
        hint: 'run `npm run build` in the dfu-flash folder (a package install contains it)',
        cause: e,
      });
    }
  };
  const [html, css, script, library] = await Promise.all([read('page/index.html'), read('page/flasher.css'), read('page/flasher.js'), read('dfu-flash.js')]);
  return { indexHtml: html.toString('utf8'), css, script, library };
}
