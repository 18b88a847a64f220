/**
 * The browser flash against the CLI's, on the same device in the same run:
 * 100 KiB to the F4 ROM (`stm32f4-sysboot`) at datasheet-typical timing, by
 * `dfu-flash download -a 0 -s 0x08000000:leave` and by the flasher page that
 * `dfu-flash web -s 0x08000000:leave fw.bin` serves, in Debian's Chromium
 * inside the umockdev harness (the managed WebUSB policy grants the page's
 * origin the board), driven through its data-testids by the browser tests'
 * own driver (test/web/support). Both with their defaults: read-back
 * verification on. Pairs interleaved (CLI, browser, CLI, …).
 *
 * The flash is timed the same way on both sides, from the device's own
 * transcript: from the first DFU class request to the completion of the last
 * (start-up, enumeration, opening and the browser's launch fall outside).
 * Beside it, wall time: the CLI's from fork to exit, the page's from the
 * click to "done" (its own clock, the result's data-elapsed-ms).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCliServer } from '../../test/web/support/cli-server.js';
import { policyAvailable, writeWebUsbPolicy } from '../../test/web/support/policy.js';
import type { BenchContext } from '../context.js';
import { firmware, KiB } from '../firmware.js';
import { benchRun, REPO_ROOT } from '../harness.js';
import type { ProbeEntry } from '../probe-types.js';
import { median, medianBy, sum } from '../stats.js';
import { formatSeconds, type Row } from '../table.js';

const SIZE = 100 * KiB;
const ADDRESS = 0x08000000;
export const BROWSER_GOAL = 1.15;
const FIGURE = 'Browser flash ÷ CLI flash, F4 ROM, 100 KiB (verify, leave; first to last DFU request)';
const CLI = ['node', 'bin/dfu-flash', 'download', '-a', '0', '-s', '0x08000000:leave', '{dir}/fw.bin'];
const F4 = { vendorId: 0x0483, productId: 0xdf11 };

/** From the first DFU class request's arrival to the last one's completion, in the device's clock (pure). */
export function dfuSpan(transcript: readonly Pick<ProbeEntry, 'request' | 't' | 'doneAt'>[]): { ms: number; requests: number } {
  const dfu = transcript.filter((e) => e.request.startsWith('DFU_'));
  if (dfu.length === 0) return { ms: NaN, requests: 0 };
  return { ms: dfu.at(-1)!.doneAt - dfu[0]!.t, requests: dfu.length };
}

/** Where a flash's time went, within its DFU span (pure): the transfers themselves, the waits the device asked for, the host's lateness after them, and its turnaround after every other transfer. */
export interface SpanBreakdown {
  transfersMs: number;
  /** bwPollTimeout before each GETSTATUS that followed a reply asking for it. */
  askedWaitsMs: number;
  /** How much later than those waits the GETSTATUS came (sum; median per wait). */
  pollLateMs: number;
  pollLateMedianMs: number;
  /** From a completion to the next request, where no wait was asked (sum; median per gap). */
  turnaroundMs: number;
  turnaroundMedianMs: number;
}

const STATUS = new Set(['DFU_GETSTATUS', 'DFU_GETSTATE']);

export function spanBreakdown(transcript: readonly Pick<ProbeEntry, 'request' | 't' | 'doneAt' | 'reply'>[]): SpanBreakdown {
  const dfu = transcript.filter((e) => e.request.startsWith('DFU_'));
  const late: number[] = [];
  const turn: number[] = [];
  let asked = 0;
  let transfers = 0;
  for (let i = 0; i < dfu.length; i++) {
    const e = dfu[i]!;
    transfers += e.doneAt - e.t;
    const next = dfu[i + 1];
    if (next === undefined) break;
    const wait = e.reply !== undefined && STATUS.has(next.request) ? e.reply.bwPollTimeout : 0;
    const gap = next.t - e.doneAt;
    if (wait > 0) {
      asked += wait;
      late.push(gap - wait);
    } else turn.push(gap);
  }
  return { transfersMs: transfers, askedWaitsMs: asked, pollLateMs: sum(late), pollLateMedianMs: median(late), turnaroundMs: sum(turn), turnaroundMedianMs: median(turn) };
}

export interface BrowserPair {
  cli: { flashMs: number; wallMs: number; requests: number; breakdown?: SpanBreakdown | undefined };
  browser: { flashMs: number; wallMs: number; requests: number; breakdown?: SpanBreakdown | undefined };
  ratio: number;
}

/** Why the browser side cannot run here, or undefined (chromium.js is imported late: it loads puppeteer-core). */
async function unavailable(): Promise<string | undefined> {
  try {
    const { chromiumAvailable } = await import('../../test/web/support/chromium.js');
    const c = chromiumAvailable();
    if (!c.ok) return c.reason;
    const p = policyAvailable();
    if (!p.ok) return p.reason;
    return undefined;
  } catch (e) {
    return `the browser driver cannot load (puppeteer-core): ${(e as Error).message}`;
  }
}

function holdsImage(data: Uint8Array | undefined, image: Uint8Array): boolean {
  return data !== undefined && Buffer.compare(Buffer.from(data), Buffer.from(image)) === 0;
}

export async function browserVsCli(ctx: BenchContext): Promise<Row[]> {
  const why = await unavailable();
  if (why !== undefined) {
    ctx.log(`browser vs CLI: skipped (${why})`);
    return [{ figure: FIGURE, dfuFlash: 'skipped', dfuUtil: '', goal: `≤ ${BROWSER_GOAL}×`, met: undefined, notes: [`skipped: ${why}`] }];
  }
  const image = firmware(SIZE, 11);
  const dir = mkdtempSync(join(tmpdir(), 'dfu-flash-bench-web-'));
  writeFileSync(join(dir, 'fw.bin'), image);
  const server = await startCliServer(['-s', '0x08000000:leave', 'fw.bin'], dir);
  const removePolicy = writeWebUsbPolicy(server.origin, [F4], `dfu-flash-bench-${process.pid}`);
  const steps = [
    { do: 'wait-device', match: '0483:df11' },
    { do: 'click', testid: 'flash' },
    { do: 'wait-status', pattern: 'done$|^error:|select it to continue', deadlineMs: 120_000 },
  ];
  const dump = [{ address: ADDRESS, length: SIZE }];
  const pairs: BrowserPair[] = [];
  try {
    for (let i = 0; i < ctx.runs; i++) {
      ctx.log(`browser vs CLI: the CLI, pair ${i + 1}/${ctx.runs}`);
      const c = await benchRun({ profiles: ['stm32f4-sysboot'], commands: [CLI], timeScale: ctx.timeScale, files: { 'fw.bin': image }, dumpRanges: dump });
      if (!holdsImage(c.devices[0]?.ranges[0]?.data, image)) throw new Error('browser vs CLI: after the CLI, the flash does not hold the image');
      ctx.log(`browser vs CLI: the page in Chromium, pair ${i + 1}/${ctx.runs}`);
      const driver = [process.execPath, join(REPO_ROOT, 'dist/test/web/support/driver.js'), '--url', server.url, '--steps', JSON.stringify(steps)];
      const b = await benchRun({ profiles: ['stm32f4-sysboot'], commands: [driver], timeScale: ctx.timeScale, dumpRanges: dump, timeoutMs: 240_000 });
      const out = JSON.parse(b.stdout.trim().split('\n').pop() ?? '{}') as { results?: { status?: string; snapshot?: { result: { elapsedMs?: string } } }[]; error?: string };
      const last = out.results?.at(-1);
      if (out.error !== undefined || !/done$/.test(last?.status ?? '')) throw new Error(`browser vs CLI: the page did not flash: ${out.error ?? last?.status}`);
      if (!holdsImage(b.devices[0]?.ranges[0]?.data, image)) throw new Error('browser vs CLI: after the page, the flash does not hold the image');
      const cliSpan = dfuSpan(c.transcripts[0]!);
      const pageSpan = dfuSpan(b.transcripts[0]!);
      pairs.push({
        cli: { flashMs: cliSpan.ms, wallMs: c.rounds[0]!.children[0]!.wallMs, requests: cliSpan.requests, breakdown: spanBreakdown(c.transcripts[0]!) },
        browser: { flashMs: pageSpan.ms, wallMs: Number(last!.snapshot!.result.elapsedMs), requests: pageSpan.requests, breakdown: spanBreakdown(b.transcripts[0]!) },
        ratio: pageSpan.ms / cliSpan.ms,
      });
    }
  } finally {
    removePolicy();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return [browserRow(pairs)];
}

const ms = (x: number): string => `${x.toFixed(0)} ms`;

function describeBreakdown(b: SpanBreakdown): string {
  return `transfers ${ms(b.transfersMs)}, asked waits ${ms(b.askedWaitsMs)}, polls late by ${ms(b.pollLateMs)} (median ${b.pollLateMedianMs.toFixed(2)} ms), turnarounds ${ms(b.turnaroundMs)} (median ${b.turnaroundMedianMs.toFixed(2)} ms)`;
}

/** The median pair's browser − CLI, per kind of time. */
function differences(p: BrowserPair): string[] {
  const a = p.browser.breakdown;
  const b = p.cli.breakdown;
  if (a === undefined || b === undefined) return [];
  const d = (x: number): string => `${x >= 0 ? '+' : ''}${x.toFixed(0)} ms`;
  return [
    `in the median pair (${p.ratio.toFixed(3)}×), browser − CLI: transfers ${d(a.transfersMs - b.transfersMs)}, asked waits ${d(a.askedWaitsMs - b.askedWaitsMs)}, ` +
      `poll lateness ${d(a.pollLateMs - b.pollLateMs)} (median per wait ${a.pollLateMedianMs.toFixed(2)} against ${b.pollLateMedianMs.toFixed(2)} ms), ` +
      `turnarounds ${d(a.turnaroundMs - b.turnaroundMs)} (median ${a.turnaroundMedianMs.toFixed(2)} against ${b.turnaroundMedianMs.toFixed(2)} ms)`,
  ];
}

/** The row (pure): the median ratio against the goal, every pair in the notes. */
export function browserRow(pairs: readonly BrowserPair[]): Row {
  const ratio = median(pairs.map((p) => p.ratio));
  const cli = median(pairs.map((p) => p.cli.flashMs));
  const page = median(pairs.map((p) => p.browser.flashMs));
  const met = ratio <= BROWSER_GOAL;
  const pair = (p: BrowserPair, i: number): string =>
    `pair ${i + 1}: CLI ${formatSeconds(p.cli.flashMs)} (wall ${formatSeconds(p.cli.wallMs)}, ${p.cli.requests} DFU requests), ` +
    `browser ${formatSeconds(p.browser.flashMs)} (click to done ${formatSeconds(p.browser.wallMs)}, ${p.browser.requests} DFU requests): ${p.ratio.toFixed(3)}×`;
  const notes = [
    `median of ${pairs.length} pairs, interleaved (CLI, then the page); both with their defaults: read-back verification on, :leave; the same 100 KiB image`,
    `flash time = first DFU request to the last one's completion, in the device's transcript; wall time: the CLI's from fork to exit (node's start-up counts), the page's from the click to "done"`,
    `the page: dfu-flash web serving it, Debian's Chromium (headless, under the harness, the managed WebUSB policy), driven through its data-testids`,
    ...pairs.map(pair),
    ...pairs.flatMap((p, i) => (p.cli.breakdown === undefined || p.browser.breakdown === undefined ? [] : [`pair ${i + 1}, where the time went: CLI ${describeBreakdown(p.cli.breakdown)}; browser ${describeBreakdown(p.browser.breakdown)}`])),
  ];
  return {
    figure: FIGURE,
    dfuFlash: `${ratio.toFixed(3)}× (${formatSeconds(page)} / ${formatSeconds(cli)})`,
    dfuUtil: '',
    goal: `≤ ${BROWSER_GOAL}×`,
    met,
    notes,
    ...(met ? {} : { limits: [`the page's flash takes ${formatSeconds(page - cli)} more than the CLI's (median)`, ...differences(medianBy(pairs, (p) => p.ratio))] }),
  };
}
