// What a browser bundle of dfu-flash may contain, shared by scripts/bundle-web.mjs and the
// browser tests' page bundles (test/web/support/bundle.ts): no Node built-ins, no `usb`.
import { builtinModules } from 'node:module';

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

export const browserBuildOptions = {
  bundle: true,
  platform: 'browser',
  target: 'chrome110',
  plugins: [browserOnly],
  logLevel: 'warning',
};
