/**
 * `dfu-flash web [FILE|PLAN]`: the flasher page on http://127.0.0.1:PORT/
 * (static files only, nothing else reachable, foreign Host headers refused)
 * until Ctrl+C; `dfu-flash web build FILE|PLAN -o DIR`: the same page as a
 * static site with the firmware baked in, locked to a device, one button.
 *
 * One self-contained command module: its name, summary and examples, the
 * options it adds to its commander command, the validation of the raw values
 * (zod and the plan loader loaded when it runs) and run(). The page itself
 * is src/web/page; the server and the site writer are src/web-host.
 */
import type { Command } from 'commander';
import type { DfuseOptions } from '../../dfu/plan-types.js';
import type { RawCommand, ToolCommand } from '../command.js';
import type { Common } from '../invocation.js';
import { addOutput } from '../program-options.js';
import type { DeviceSelector } from '../requests.js';
import type { ToolEnv } from './tool-env.js';

const summary = 'serve the web flasher page on 127.0.0.1 (web [FILE|PLAN]), or write it as a static site (web build FILE|PLAN -o DIR)';
export const DEFAULT_PORT = 8765;

const examples = `
Examples:
  dfu-flash web                                     the flasher page: choose or drop a file in the browser
  dfu-flash web -s 0x08000000:leave build/app.bin   serve this file (re-read at every page load), leave DFU mode after
  dfu-flash web plan.json --port 9000 --open        the plan's downloads, on another port, opened in the browser
  dfu-flash web build app.hex -o site --vid-pid 0483:5740,0483:df11
                                                    a static site for the vendor's device: the firmware baked in, one button

The page needs WebUSB (Chrome or Edge). The server listens on 127.0.0.1 only and serves its own files and the firmware
named here, nothing else. --vid-pid takes -d's syntax: the runtime IDs, then the DFU-mode IDs.`;

export interface WebInvocation extends Common {
  command: 'web';
  action: 'serve' | 'build';
  /** The firmware file or plan (absolute), when one is named. */
  source?: { kind: 'file' | 'plan'; path: string } | undefined;
  port: number;
  open: boolean;
  /** build: the site's folder (absolute). */
  outDir?: string | undefined;
  force: boolean;
  /** --vid-pid, parsed like -d. */
  lock?: DeviceSelector | undefined;
  lockText?: string | undefined;
  dfuse?: DfuseOptions | undefined;
  alt?: number | string | undefined;
  verify: boolean;
  skipUnchanged: boolean;
  title?: string | undefined;
}

/** The arguments and options of `web` (and of `web build`, told apart by the first argument). */
function options(cmd: Command): Command {
  const web = cmd
    .argument('[file]', 'firmware file (bin, hex, srec, elf, .dfu) or plan (.json) to offer; or "build" to write a static site')
    .argument('[build-file]', 'with build: the firmware file or plan to bake in')
    .option('--port <n>', `port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 = any free port)`)
    .option('--open', 'open the page in the default browser')
    .option('-o, --output <dir>', 'build: the folder to write the site to (must not exist, unless --force)')
    .option('--force', 'build: replace the folder if it exists')
    .option('--vid-pid <vid:pid[,vid:pid]>', 'only this device: its runtime[,DFU-mode] IDs in hex, as -d takes them')
    .option('-s, --dfuse-address <ADDR[:leave]>', 'where a raw binary goes (DfuSe); :leave ticks "Leave DFU mode" on the page')
    .option('-a, --alt <n|name>', 'the alt setting to write (number, or name such as "Internal Flash")')
    .option('--no-verify', 'untick "Verify" on the page (it is ticked by default)')
    .option('--skip-unchanged', 'tick "Skip sectors that already hold the image"')
    .option('--title <text>', "the page's title (default: Firmware flasher)");
  // --json: one line (where the page is, or what was written); -v: a line per request the server answers
  return addOutput(web);
}

/** Raw commander values → the typed invocation. USAGE errors for every wrong combination, before anything runs. */
async function validate(raw: RawCommand, cwd: string): Promise<WebInvocation> {
  const [{ z }, helpers, values, { parseDfuseAddress }, { DfuFlashError }, { resolve }] = await Promise.all([
    import('zod'),
    import('../schema.js'),
    import('../parse-values.js'),
    import('../../dfu/dfuse-address.js'),
    import('../../shared/errors.js'),
    import('node:path'),
  ]);
  const schema = z
    .object({
      ...helpers.output,
      port: helpers.integer('--port', 0, 65535).optional(),
      open: z.boolean().optional(),
      output: z.string().min(1, '-o needs a folder name').optional(),
      force: z.boolean().optional(),
      vidPid: helpers.parsed((s) => ({ text: s, ids: values.parseDeviceIds(s) })).optional(),
      dfuseAddress: helpers.parsed(parseDfuseAddress).optional(),
      alt: helpers.parsed(values.parseAlt).optional(),
      verify: z.boolean().optional(),
      skipUnchanged: z.boolean().optional(),
      title: z.string().min(1, '--title is empty').optional(),
    })
    .strict();
  const v = helpers.check(schema, raw.opts);
  const build = raw.args[0] === 'build';
  const file = build ? raw.args[1] : raw.args[0];
  const usage = (message: string, hint: string): never => {
    throw new DfuFlashError('USAGE', message, { hint });
  };
  if (!build && raw.args.length > 1) usage(`web takes one file or plan, got ${raw.args.length}`, 'to write a site: dfu-flash web build FILE -o DIR');
  if (build && file === undefined) usage('web build needs the firmware file or plan to bake in', 'dfu-flash web build FILE|PLAN -o DIR');
  if (build && v.output === undefined) usage('web build needs -o DIR: the folder to write the site to', 'e.g. dfu-flash web build app.hex -o site');
  if (!build && (v.output !== undefined || v.force === true)) usage('-o and --force belong to web build', 'dfu-flash web build FILE -o DIR');
  if (build && (v.port !== undefined || v.open === true)) usage('--port and --open belong to the server (dfu-flash web), not to web build', 'drop them: the site is a folder to host');
  const dfuse = v.dfuseAddress;
  if (dfuse !== undefined && (dfuse.length !== undefined || dfuse.massErase || dfuse.unprotect || dfuse.willReset || dfuse.force)) {
    usage('the web flasher takes -s ADDR[:leave] only', 'mass erase, unprotect, will-reset, force and a length are for dfu-flash download and upload');
  }
  const source = file === undefined ? undefined : { kind: /\.json$/i.test(file) ? ('plan' as const) : ('file' as const), path: resolve(cwd, file) };
  if (source?.kind === 'plan' && (dfuse !== undefined || v.alt !== undefined || v.verify === false || v.skipUnchanged === true)) {
    usage('-s, -a, --no-verify and --skip-unchanged come from the plan', 'set them in the plan\'s download steps ("address", "alt", "verify", "skipUnchanged")');
  }
  if (source === undefined && (dfuse?.address !== undefined || v.alt !== undefined)) usage('-s ADDR and -a need a firmware file to apply to', 'name the file: dfu-flash web -s 0x08000000 app.bin');
  return {
    command: 'web',
    action: build ? 'build' : 'serve',
    source,
    port: v.port ?? DEFAULT_PORT,
    open: v.open === true,
    outDir: v.output === undefined ? undefined : resolve(cwd, v.output),
    force: v.force === true,
    lock: v.vidPid?.ids,
    lockText: v.vidPid?.text,
    dfuse,
    alt: v.alt,
    verify: v.verify !== false,
    skipUnchanged: v.skipUnchanged === true,
    title: v.title,
    output: helpers.toOutput(v),
  };
}

async function siteSpec(inv: WebInvocation) {
  const { lockOf, specFromPlan } = await import('../../web-host/from-plan.js');
  const base = {
    mode: inv.action === 'build' ? ('site' as const) : ('serve' as const),
    title: inv.title,
    devices: inv.lock === undefined ? [] : lockOf(inv.lock),
    device: inv.lockText,
  };
  if (inv.source?.kind === 'plan') {
    const { loadPlanFile } = await import('../plan-file.js');
    const plan = loadPlanFile(inv.source.path, { selector: {} });
    return specFromPlan(plan, inv.source.path, base);
  }
  const firmware = inv.source === undefined ? [] : [{ file: inv.source.path, address: inv.dfuse?.address, alt: inv.alt }];
  return { ...base, firmware, options: { verify: inv.verify, leave: inv.dfuse?.leave === true, skipUnchanged: inv.skipUnchanged } };
}

/** Until Ctrl+C (or SIGTERM): the only way the server stops. */
function interrupted(): Promise<string> {
  return new Promise((resolveSignal) => {
    const stop = (signal: string): void => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolveSignal(signal);
    };
    const onInt = (): void => stop('SIGINT');
    const onTerm = (): void => stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}

async function run(inv: WebInvocation, env: ToolEnv): Promise<number> {
  const spec = await siteSpec(inv);
  const [{ checkFirmware }, { loadPageAssets }, { siteFiles }] = await Promise.all([
    import('../../web-host/check-firmware.js'),
    import('../../web-host/assets.js'),
    import('../../web-host/site.js'),
  ]);
  const checked = await checkFirmware(spec.firmware);
  const assets = await loadPageAssets();
  const what = checked.length === 0 ? 'no firmware (choose a file in the page)' : checked.map((c) => `${c.source.file} (${c.format}, ${c.bytes} bytes)`).join(', ');
  const say = (line: string): void => {
    if (!inv.output.quiet && !inv.output.json) env.io.stderr.write(line + '\n');
  };
  const { toJsonLine } = await import('../reporters/json.js');

  if (inv.action === 'build') {
    const { writeSite } = await import('../../web-host/build-site.js');
    const written = await writeSite(await siteFiles(spec, assets), inv.outDir!, inv.force);
    if (inv.output.json) env.io.stdout.write(toJsonLine({ type: 'result', ok: true, operation: 'web-build', dir: inv.outDir, files: written, firmware: checked.map((c) => c.source.file) }) + '\n');
    say(`Wrote the flasher site to ${inv.outDir} (${written.length} files: ${written.join(', ')}) with ${what}. Host the folder as it is (https, or localhost for a test).`);
    return 0;
  }

  const { serveSite } = await import('../../web-host/server.js');
  const server = await serveSite({
    port: inv.port,
    files: () => siteFiles(spec, assets),
    onRequest: inv.output.verbose > 0 ? (r) => say(`dfu-flash web: ${r.method} ${r.path} ${r.status}`) : undefined,
  });
  if (inv.output.json) env.io.stdout.write(toJsonLine({ type: 'listening', url: server.url, port: server.port, firmware: checked.map((c) => c.source.file) }) + '\n');
  say(`dfu-flash web: the flasher page is at ${server.url} with ${what}. Open it in Chrome or Edge; Ctrl+C stops the server.`);
  if (inv.open) {
    const { openInBrowser } = await import('../../web-host/open-browser.js');
    openInBrowser(server.url, process.platform, (problem) => say(`dfu-flash web: could not open a browser (${problem}): open ${server.url} yourself`));
  }
  await interrupted();
  await server.close();
  return 0;
}

export const web: ToolCommand<WebInvocation> = { kind: 'tool', name: 'web', args: '', summary, examples, options, validate, run };
