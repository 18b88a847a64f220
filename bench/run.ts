/**
 * `npm run bench`: every figure of the issue "Fast, and pleasant to use",
 * measured in one run against emulated devices through real libusb (umockdev
 * harness) at real device timing, with dfu-util 0.11 on the same devices.
 * Prints the table (stdout; progress on stderr); --write-readme puts it into
 * bench/README.md. See bench/README.md for what each figure means.
 */
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { FIGURES, parseBenchArgs, USAGE, type FigureName } from './args.js';
import { calibrate, combine, combineStack, measureStack, type Calibration, type StackCost } from './calibrate.js';
import type { BenchContext } from './context.js';
import { efficiencyRows, measureEfficiency } from './figures/host-efficiency.js';
import { verifyCost } from './figures/verify-cost.js';
import { verifyFlags } from './cli-flags.js';
import { browserVsCli } from './figures/browser-vs-cli.js';
import { incremental } from './figures/incremental.js';
import { memory } from './figures/memory.js';
import { parallel } from './figures/parallel.js';
import { startup } from './figures/startup.js';
import { dfuUtilAvailable, REPO_ROOT, umockdevAvailable } from './harness.js';
import { describeMachine, machineFacts } from './machine.js';
import { writeReadmeSection } from './readme.js';
import { formatNotes, formatTable, type Row } from './table.js';

const RUNNERS: Record<Exclude<FigureName, 'efficiency' | 'verify'>, (ctx: BenchContext) => Promise<Row[]>> = {
  incremental,
  parallel,
  startup,
  memory,
  browser: browserVsCli,
};

const CALIBRATION_COUNT = 300;

function describeCalibration(c: Calibration, s: StackCost): string {
  return [
    `per-transfer cost of the emulated bus (minimal libusb client, median of ${c.samples.small.length}): ` +
      `GETSTATUS ${c.smallMs.toFixed(3)} ms, ${c.dataLength}-byte UPLOAD ${c.dataMs.toFixed(3)} ms; CPU per transfer ${c.cpuPerTransferMs.toFixed(3)} ms`,
    `the same through src/transport/usb (Node, usb 2.x): GETSTATUS ${s.smallMs.toFixed(3)} ms, ${c.dataLength}-byte UPLOAD ${s.dataMs.toFixed(3)} ms; ` +
      `systemClock.sleepUntil(now + 5 ms) wakes ${s.sleepLateMs.toFixed(3)} ms late (median); CPU per transfer through it ${s.cpuPerTransferMs.toFixed(3)} ms`,
  ].join('\n');
}

async function main(): Promise<number> {
  const args = parseBenchArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const available = umockdevAvailable();
  if (!available.ok) {
    process.stderr.write(`bench: the umockdev harness is not usable here: ${available.reason}\n`);
    return 1;
  }
  const started = performance.now();
  const machine = machineFacts(REPO_ROOT);
  const timeScale = args.quick ? 0.2 : 1;
  const log = (m: string): void => {
    process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${m}\n`);
  };
  const dfuUtil = dfuUtilAvailable().ok;
  if (!dfuUtil) log('dfu-util is not installed: its column stays empty');

  log('calibration: per-transfer cost of the emulated bus (minimal libusb client, then src/transport/usb)');
  const calibrations = [await calibrate(CALIBRATION_COUNT, timeScale)];
  const stacks = [await measureStack(CALIBRATION_COUNT, timeScale)];
  const ctx: BenchContext = {
    quick: args.quick,
    timeScale,
    runs: args.runs,
    startupRuns: args.startupRuns,
    cost: calibrations[0]!,
    stack: stacks[0]!,
    dfuUtil,
    log,
  };
  const flags = verifyFlags();
  log(`verification: ${flags.describe}`);
  const rows: Row[] = [];
  for (const name of args.figures) {
    if (name === 'verify') {
      rows.push(...(await verifyCost(ctx, flags)));
      continue;
    }
    if (name !== 'efficiency') {
      rows.push(...(await RUNNERS[name](ctx)));
      continue;
    }
    const measured = await measureEfficiency(ctx, flags.noVerify);
    if (!args.quick) {
      // the minimum uses the calibration: measure again after the long runs and use both
      log('calibration: again, after the host-efficiency runs');
      calibrations.push(await calibrate(CALIBRATION_COUNT, timeScale));
      stacks.push(await measureStack(CALIBRATION_COUNT, timeScale));
    }
    ctx.cost = combine(calibrations);
    ctx.stack = combineStack(stacks);
    rows.push(...measured.flatMap((m) => efficiencyRows(m, ctx)));
  }
  const cost = combine(calibrations);
  machine.loadAfter = loadavg();
  const chosen = args.figures.length === FIGURES.length ? [] : ['--only', args.figures.join(',')];
  const extra = [...(args.quick ? ['--quick'] : []), ...chosen];
  const command = `npm run bench${extra.length > 0 ? ` -- ${extra.join(' ')}` : ''}`;
  const header = [
    `Command: \`${command}\`${args.quick ? ' (quick: reduced set, simulated time × 0.2 — not comparable with the goals)' : ' (datasheet-typical device timing, time scale 1)'}; took ${((performance.now() - started) / 1000).toFixed(0)} s. ${flags.describe} in the efficiency rows.`,
    '',
    '```',
    describeMachine(machine),
    describeCalibration(cost, combineStack(stacks)),
    '```',
    '',
  ].join('\n');
  const output = `${header}\n${formatTable(rows)}\n${formatNotes(rows)}`;
  process.stdout.write(output);
  if (args.writeReadme) {
    writeReadmeSection(join(REPO_ROOT, 'bench/README.md'), output);
    log('bench/README.md updated');
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`bench: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 1;
  },
);
