/**
 * The command-line entry. `run()` parses, validates, creates the backend,
 * runs one command and maps errors to an exit status; it never exits the
 * process, so tests call it in-process. Every command comes from the
 * registry (registry.ts): device commands get a backend and a reporter
 * here, the others run on their own. dfu-util command lines become the same
 * commands (dfu-util/parse.ts). `main()` is what bin/dfu-flash calls: the only
 * process.exit in dfu-flash, after stdout and stderr are flushed.
 *
 * Start-up stays fast: this module imports nothing heavy. commander, zod,
 * chalk, cli-progress, the library and the USB backend are loaded with
 * import() by the step that needs them.
 */
import { DfuFlashError } from '../shared/errors.js';
import { systemClock } from '../transport/clock.js';
import type { UsbBackend } from '../transport/types.js';
import type { DeviceCommand } from './command.js';
import type { CommandEnv } from './commands/env.js';
import { EXIT_OK } from './exit-codes.js';
import type { Common, OutputOptions } from './invocation.js';
import type { OpContext } from '../ops/types.js';
import type { CliDeps, CliIo, OpsApi } from './io.js';
import type { Reporter, Style } from './reporters/types.js';
import type { SimStateFile } from './sim-state.js';
import { versionText } from './version.js';

export type { BackendRequest, CliDeps, CliIo, CliWriter, OpsApi } from './io.js';
export { EXIT_CODES, exitCodeFor } from './exit-codes.js';

/** Output flags guessed from raw argv, for errors raised before parsing finished. */
function guessOutput(argv: readonly string[]): OutputOptions {
  const end = argv.indexOf('--');
  const args = end < 0 ? argv : argv.slice(0, end);
  // `suffix -v 0483` is a vendor ID, as in dfu-suffix
  const shortV = argv[0] !== 'suffix';
  const verbose = args.filter((a) => a === '--verbose' || (shortV && /^-[a-zA-Z]*v[a-zA-Z]*$/.test(a))).length;
  return { json: args.includes('--json'), quiet: args.includes('--quiet') || args.includes('-q'), verbose };
}

/** Run one command line (without the node and script paths); resolves with the exit status. */
export async function run(argv: readonly string[], io: CliIo, deps: CliDeps = {}): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    io.stdout.write(versionText());
    return EXIT_OK;
  }
  let output = guessOutput(argv);
  let reporter: Reporter | undefined;
  // Colours (and so chalk) are loaded only when something is printed for people.
  let style: Promise<Style> | undefined;
  const getStyle = (): Promise<Style> =>
    (style ??= import('./reporters/style.js').then((m) => m.loadStyle(m.colorEnabled(io))));
  try {
    const { parseCommand } = await import('./parse.js');
    const outcome = await parseCommand(argv, { cwd: io.cwd });
    if (outcome.kind === 'text') {
      (outcome.stream === 'stdout' ? io.stdout : io.stderr).write(outcome.text);
      return outcome.exitCode;
    }
    const { definition: def, invocation: inv } = outcome;
    output = inv.output;
    if (def.kind === 'tool') return (await def.run(inv, { io, deps, style: getStyle })) ?? EXIT_OK;

    await def.preflight?.(inv, io.cwd);
    const stateFile = inv.sim?.stateFile;
    const savedState = stateFile === undefined ? undefined : await (await import('./sim-state.js')).readSimState(stateFile);

    const clock = deps.clock ?? systemClock;
    const { createReporter } = await import('./reporters/create.js');
    // a command that prints its own JSON document (list) has its events on stderr
    const reporterOutput = def.ownJson ? { ...output, json: false } : output;
    const colours = await getStyle();
    const progress = def.progress?.(inv) ?? 'bars';
    reporter = await createReporter({ io, output: reporterOutput, clock, style: colours, bars: progress === 'bars' });
    const ops: OpsApi = deps.ops ?? (await import('../index.js'));

    const createBackend = deps.createBackend ?? (await import('./backend.js')).createDefaultBackend;
    const backend = await createBackend(
      inv.sim === undefined ? { kind: 'usb', clock } : { kind: 'sim', profiles: inv.sim.profiles, timeScale: inv.sim.timeScale, clock },
    );
    const ctx: OpContext = { backend, clock, emit: reporter.emit };
    if (output.verbose > 0) ctx.trace = true;
    if (inv.transferTimeoutMs !== undefined) ctx.transferTimeoutMs = inv.transferTimeoutMs;
    for (const message of inv.notices ?? []) reporter.emit({ type: 'warning', message });
    const platform = deps.system?.platform ?? process.platform;
    return await runWithBackend(backend, def, inv, savedState, { ctx, io, reporter, ops, style: colours, platform, interrupts: deps.interrupts });
  } catch (e) {
    reporter?.close();
    const { reportError } = await import('./render-error.js');
    const { PLAIN_STYLE } = await import('./reporters/style.js');
    const errorStyle = await getStyle().catch(() => PLAIN_STYLE);
    return reportError(e, io, { json: output.json, verbose: output.verbose, style: errorStyle, platform: deps.system?.platform ?? process.platform });
  }
}

/**
 * Restore the simulated flash, resolve -N, run the command, save the flash
 * back (also after a failure), dispose the backend. Resolves with the exit
 * status the command chose (0 when it returned nothing).
 */
async function runWithBackend(backend: UsbBackend, def: DeviceCommand, given: Common & { command: string }, savedState: SimStateFile | undefined, env: CommandEnv): Promise<number> {
  let status = EXIT_OK;
  const stateFile = given.sim?.stateFile;
  let failed = false;
  let failure: unknown;
  const fail = (e: unknown): void => {
    if (failed) return;
    failed = true;
    failure = e;
  };
  try {
    const simState = stateFile === undefined ? undefined : await import('./sim-state.js');
    const devices = simState?.snapshotDevices(backend);
    if (simState !== undefined && devices === undefined) {
      throw new DfuFlashError('USAGE', '--sim-state: the backend has no simulated devices to save', {
        hint: 'use --sim-state together with --simulate',
      });
    }
    if (simState !== undefined && devices !== undefined && savedState !== undefined) {
      for (const note of simState.restoreSimState(devices, savedState)) env.reporter.emit({ type: 'warning', message: note });
    }
    let inv = given;
    if (given.deviceIndex !== undefined) {
      const { deviceAtIndex } = await import('./device-index.js');
      const { deviceIndex: _, ...rest } = given;
      inv = def.atPath(rest, deviceAtIndex(await env.ops.listDevices({ backend: env.ctx.backend }), given.deviceIndex).portPath);
    }
    status = (await def.run(inv, env).catch(fail)) ?? EXIT_OK;
    if (simState !== undefined && devices !== undefined && stateFile !== undefined) {
      // Read the bus again: a device that re-enumerated is a new object now.
      await simState.saveSimState(stateFile, simState.snapshotDevices(backend) ?? devices).catch(fail);
    }
  } catch (e) {
    fail(e);
  } finally {
    try {
      backend.dispose();
    } catch {
      // the command's own outcome matters more than a failing dispose
    }
  }
  if (failed) throw failure;
  return status;
}

/** A CliIo over the real process streams. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    stderrColumns: process.stderr.columns,
    env: process.env,
    cwd: process.cwd(),
  };
}

function flush(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) resolve();
    else stream.write('', () => resolve());
  });
}

/** bin/dfu-flash: run with the process's argv and streams, flush, exit with the status. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<never> {
  // A closed pipe (`dfu-flash list | head -1`) is not an error worth a stack trace.
  process.stdout.on('error', () => {});
  let code: number;
  try {
    code = await run(argv, processIo());
  } catch (e) {
    process.stderr.write(`dfu-flash: error: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    code = 70;
  }
  await Promise.all([flush(process.stdout), flush(process.stderr)]);
  process.exit(code);
}
