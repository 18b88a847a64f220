// What a browser bundle of dfu-flash may contain, shared by scripts/bundle-web.mjs and the
// browser tests' page bundles (test/web/support/bundle.ts): no Node built-ins, no `usb`.
import { builtinModules } from 'node:module';
import { dirname, resolve as resolvePath, sep } from 'node:path';

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));


export const browserOnly = {
  name: 'dfu-flash-browser-only',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      if (BUILTINS.has(args.path) || args.path === 'usb' || args.path.startsWith('usb/')) {
        return { errors: [{ text: `browser bundle must not import "${args.path}" (imported by ${args.importer})` }] };
      }
      return undefined;
    });
  },
};

/** Globals of Node that a browser does not have, as they would appear in bundled code. */
const NODE_GLOBALS = /\bBuffer\.(from|alloc|concat|isBuffer)\b|\bprocess\.(env|platform|exit|nextTick|stdout|stderr|argv)\b|\brequire\(/g;

/** Throws when bundled code still refers to Node-only globals. */
export function checkBrowserCode(name, code) {
  const hits = [...new Set(code.match(NODE_GLOBALS) ?? [])];
  if (hits.length > 0) throw new Error(`${name}: the browser bundle refers to Node-only globals: ${hits.join(', ')}`);
}

/**
 * The flasher page is a client of dfu-flash/web only: its `../index.js` (src/web/index.ts) becomes the
 * external `external` (the dfu-flash.js served beside the page); any other import from outside its own
 * folder is an error.
 */
export function pageClientOnly(pageDir, external) {
  const root = resolvePath(pageDir);
  return {
    name: 'dfu-flash-page-client',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point' || !args.importer.startsWith(root)) return undefined;
        const target = resolvePath(dirname(args.importer), args.path);
        if (args.path.startsWith('.') && target === resolvePath(root, '../index.js')) return { path: external, external: true };
        if (args.path.startsWith('.') && target.startsWith(root + sep)) return undefined;
        return { errors: [{ text: `the flasher page may import only dfu-flash/web (../index.js) and its own files, not "${args.path}" (in ${args.importer})` }] };
      });
    },
  };
}

export const browserBuildOptions = {
  bundle: true,
  platform: 'browser',
  target: 'chrome110',
  plugins: [browserOnly],
  logLevel: 'warning',
};
