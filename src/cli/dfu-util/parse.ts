/**
 * dfu-util compatibility mode: a dfu-util command line becomes the same raw
 * command the subcommands produce, so the same schemas validate it.
 *
 *   -l                  → list (dfu-util's "Found DFU: ..." lines)
 *   -D FILE             → download        -U FILE → upload
 *   -e                  → detach (-E S: wait up to S seconds for DFU mode)
 *   -s ADDR:... alone   → erase (:mass-erase:force), unprotect (:unprotect:force), leave (:leave)
 *   -R alone            → reset
 *
 * A dfu-util option that has no effect in that mode is ignored with a
 * warning, as dfu-util ignores it; a dfu-flash option that has none is an
 * error. Two operations at once (-D and -U) are an error.
 */
import { Command, CommanderError } from 'commander';
import { DfuFlashError, hex32 } from '../../shared/errors.js';
import { parseDfuseAddress } from '../../dfu/dfuse-address.js';
import { parseSecondsToMs } from '../parse-values.js';
import type { RawCommand, RawParse } from '../program.js';
import { DFU_UTIL_OPTIONS, type CompatOption } from './options.js';
import { DFU_UTIL_EXAMPLES } from './help.js';

type Mode = 'list' | 'download' | 'upload' | 'detach' | 'command' | 'reset';

const SELECTION = ['device', 'path', 'cfg', 'intf', 'alt', 'serial', 'devnum', 'index'];
const OUTPUT = ['verbose', 'json', 'quiet', 'simulate', 'simTimeScale', 'simState'];
const ACQUIRE = ['wait', 'detachDelay', 'transferTimeout', 'waitTimeout', 'autoDetach'];

/** Options that mean something in each mode, besides selection and output. */
const ACCEPTED: Record<Mode, readonly string[]> = {
  list: ['list'],
  download: ['download', 'transferSize', 'dfuseAddress', 'reset', ...ACQUIRE, 'leaveWatch', 'all', 'verify', 'skipUnchanged', 'dryRun', 'format', 'ignoreSuffix'],
  upload: ['upload', 'transferSize', 'dfuseAddress', 'reset', 'uploadSize', ...ACQUIRE, 'force'],
  detach: ['detach', 'detachDelay', 'transferTimeout', 'waitTimeout'],
  command: ['dfuseAddress', ...ACQUIRE],
  reset: ['reset', ...ACQUIRE],
};

const MODE_FLAG: Record<Mode, string> = { list: '-l', download: '-D', upload: '-U', detach: '-e', command: '-s without -D/-U', reset: '-R alone' };

/** '-Z/--upload-size' */
function flagName(o: CompatOption): string {
  return [...o.flags.matchAll(/(--?[A-Za-z][\w-]*)/g)].map((m) => m[1]).join('/');
}

function usage(message: string, hint = 'run "dfu-flash dfu-util --help" for the dfu-util options dfu-flash accepts'): DfuFlashError {
  return new DfuFlashError('USAGE', message, { hint });
}

function increase(_value: string, previous: number | undefined): number {
  return (previous ?? 0) + 1;
}

function buildCompatProgram(version: string, out: { text: string }): Command {
  const program = new Command('dfu-flash')
    .usage('[dfu-util options]')
    .description('dfu-util compatibility mode: dfu-util 0.11 command lines, unchanged')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .exitOverride()
    .allowExcessArguments(true)
    .configureOutput({ writeOut: (s) => void (out.text += s), writeErr: (s) => void (out.text += s), outputError: () => {} })
    .addHelpText('after', DFU_UTIL_EXAMPLES);
  for (const o of DFU_UTIL_OPTIONS) {
    if (o.key === 'verbose') program.option(o.flags, o.description, increase);
    else program.option(o.flags, o.description);
  }
  return program;
}

function modeOf(given: (key: string) => boolean): Mode {
  const ops = (['list', 'detach', 'download', 'upload'] as const).filter(given);
  if (ops.length > 1) {
    throw usage(`${ops.map((m) => MODE_FLAG[m]).join(' and ')} ask for ${ops.length} operations; dfu-flash does one per run`, 'run dfu-flash once per operation');
  }
  if (ops[0] !== undefined) return ops[0];
  if (given('dfuseAddress')) return 'command';
  if (given('reset')) return 'reset';
  throw usage('no operation given', 'give one of -l (list), -D FILE (download), -U FILE (upload), -e (detach), -s ADDR:... (DfuSe command) or -R (reset)');
}

/** `-E 0` (dfu-util: do not sleep): dfu-flash polls for the device anyway. */
const NO_DELAY = /^0+(\.0*)?$/;

/** The -E / --wait-timeout deadline in ms (the longer one when both are given). */
function waitDeadline(opts: Record<string, unknown>, given: (key: string) => boolean): number | undefined {
  const delay = String(opts['detachDelay']);
  const e = given('detachDelay') && !NO_DELAY.test(delay) ? parseSecondsToMs('-E/--detach-delay', delay) : undefined;
  const w = given('waitTimeout') ? parseSecondsToMs('--wait-timeout', String(opts['waitTimeout'])) : undefined;
  if (e === undefined) return w;
  return w === undefined ? e : Math.max(e, w);
}

/** -s without a file: which DfuSe command, as the subcommand's options. */
async function commandFromDfuse(spec: string): Promise<{ command: RawCommand['command']; opts: Record<string, unknown> }> {
  const dfuse = parseDfuseAddress(spec);
  const { commandKind } = await import('./command-kind.js');
  const kind = commandKind(dfuse);
  const at = dfuse.address === undefined ? undefined : hex32(dfuse.address);
  if (kind === 'mass-erase') return { command: 'erase', opts: { mass: true, force: true, ...(dfuse.leave ? { leave: at ?? true } : {}) } };
  if (kind === 'unprotect') return { command: 'unprotect', opts: { force: true } };
  return { command: 'leave', opts: at === undefined ? {} : { address: at } };
}

/** Parse a dfu-util command line (without the program name) into a raw command, or help/version text. */
export async function parseDfuUtilArgs(args: readonly string[], version: string): Promise<RawParse> {
  const out = { text: '' };
  const program = buildCompatProgram(version, out);
  try {
    program.parse([...args], { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return { text: out.text, stream: 'stdout', exitCode: 0 };
    throw usage(e.message.split('\n')[0]!.replace(/^error:\s*/, ''));
  }
  if (program.args.length > 0) {
    throw usage(`unexpected argument ${JSON.stringify(program.args[0])}: dfu-util options take no other words`, 'give files with -D FILE or -U FILE; dfu-flash commands (dfu-flash download FILE) start with the command name');
  }
  const opts = program.opts() as Record<string, unknown>;
  const given = (key: string): boolean => program.getOptionValueSource(key) === 'cli';
  const mode = modeOf(given);
  const accepted = new Set([...SELECTION, ...OUTPUT, ...ACCEPTED[mode]]);
  const notices: string[] = [];
  const pass: Record<string, unknown> = {};
  for (const o of DFU_UTIL_OPTIONS) {
    if (!given(o.key)) continue;
    if (!accepted.has(o.key)) {
      if (o.origin === 'dfu-flash') throw usage(`${flagName(o)} has no effect with ${MODE_FLAG[mode]}`);
      notices.push(`${flagName(o)} has no effect with ${MODE_FLAG[mode]}: ignored`);
      continue;
    }
    pass[o.key] = opts[o.key];
  }
  for (const key of ['list', 'detach', 'download', 'upload', 'detachDelay', 'waitTimeout']) delete pass[key];
  if (given('detachDelay') && accepted.has('detachDelay') && NO_DELAY.test(String(opts['detachDelay']))) {
    notices.push('-E 0: dfu-flash does not sleep after a detach anyway; it polls for the device (up to --wait-timeout, default 10 s)');
  }
  const deadline = waitDeadline(opts, (k) => given(k) && accepted.has(k));
  if (deadline !== undefined) pass['waitTimeout'] = String(deadline / 1000);

  const raw = (command: RawCommand['command'], extra: Record<string, unknown> = {}, args: string[] = []): RawCommand => ({
    command,
    args,
    opts: { ...pass, ...extra },
    dfuUtil: true,
    ...(notices.length > 0 ? { notices } : {}),
  });
  switch (mode) {
    case 'list':
      return raw('list');
    case 'download':
    case 'upload': {
      const file = String(opts[mode]);
      if (file === '-') throw usage(`${mode === 'download' ? '-D -' : '-U -'} (standard ${mode === 'download' ? 'input' : 'output'}) is not supported`, 'give a file name');
      return raw(mode, {}, [file]);
    }
    case 'detach':
      // -E (or --wait-timeout) with -e: wait for the device to come back in DFU mode, up to that long
      return raw('detach', deadline === undefined ? {} : { wait: true });
    case 'command': {
      const { command, opts: extra } = await commandFromDfuse(String(opts['dfuseAddress']));
      delete pass['dfuseAddress'];
      return raw(command, extra);
    }
    case 'reset':
      delete pass['reset'];
      return raw('reset');
  }
}
