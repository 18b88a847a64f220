/**
 * The host program of a browser test under umockdev: run by the harness
 * (runWithDevices) with LD_PRELOAD / UMOCKDEV_DIR in its environment, it
 * launches Chromium (which inherits them), opens the test page, calls the
 * page's scenarios in order and prints their results as one JSON line.
 *
 *   node dist/test/web/support/driver.js --url http://127.0.0.1:PORT/ --calls '[{"name":"list"}]'
 *   node dist/test/web/support/driver.js --url http://127.0.0.1:PORT/ --steps '[{"do":"click","testid":"flash"}, ...]'
 *
 * --calls runs the test page's scenarios (pages/scenarios.ts); --steps drives
 * the flasher page through its data-testids (ui-steps.ts), plus a step the
 * driver does itself: {"do":"grant","policyFile":…,"origin":…,"devices":[…]}
 * rewrites the managed policy and reloads it (policy-reload.ts).
 *
 * Exit 0 with {"results": [...]} on stdout; exit 2 with {"error": "..."} when
 * the browser or a page could not be driven (with the steps done so far).
 */
import { launchAndOpen } from './chromium.js';
import { grantByPolicy } from './policy-reload.js';
import type { PolicyGrant } from './policy.js';
import { runStep, snapshot, type StepOutcome, type UiStep } from './ui-steps.js';

/** A step of --steps: one on the page, or a grant by policy (for a test importing the type: a type-only import runs nothing). */
export type DriverStep = UiStep | ({ do: 'grant' } & PolicyGrant);

interface Call {
  name: string;
  arg?: unknown;
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

async function main(): Promise<number> {
  const url = option('url');
  const calls = JSON.parse(option('calls') ?? '[]') as Call[];
  const steps = option('steps') === undefined ? undefined : (JSON.parse(option('steps')!) as DriverStep[]);
  const callDeadlineMs = Number(option('call-deadline') ?? 60_000);
  if (url === undefined) throw new Error('--url is required');
  if (steps !== undefined) return driveSteps(url, steps);
  const b = await launchAndOpen(url, { underPreload: true, readyGlobal: 'dfuWebTest' });
  try {
    const results: unknown[] = [];
    for (const c of calls) {
      const run = b.page.evaluate(
        (n: string, a: unknown) => (globalThis as unknown as { dfuWebTest: Record<string, (x: unknown) => Promise<unknown>> }).dfuWebTest[n]!(a),
        c.name,
        c.arg,
      );
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`scenario ${c.name} did not finish within ${callDeadlineMs} ms`)), callDeadlineMs);
      });
      try {
        results.push(await Promise.race([run, deadline]));
      } finally {
        clearTimeout(timer);
      }
    }
    process.stdout.write(JSON.stringify({ results, pageErrors: b.errors }) + '\n');
    return 0;
  } finally {
    await b.kill();
  }
}

/** The flasher page through its data-testids; on a failure, what was done and what the page shows. */
async function driveSteps(url: string, steps: DriverStep[]): Promise<number> {
  const b = await launchAndOpen(url, { underPreload: true });
  const results: StepOutcome[] = [];
  try {
    await b.page.waitForFunction("document.body.dataset.ready === 'true'", { timeout: 30_000 });
    for (const step of steps) {
      if (step.do === 'grant') {
        await grantByPolicy(b.browser, b.page, step);
        results.push({ step: 'grant' });
      } else {
        results.push(await runStep(b.page, step));
      }
    }
    process.stdout.write(JSON.stringify({ results, pageErrors: b.errors }) + '\n');
    return 0;
  } catch (e) {
    const page = await snapshot(b.page).catch(() => undefined);
    process.stdout.write(JSON.stringify({ error: String((e as Error)?.stack ?? e), results, page, pageErrors: b.errors }) + '\n');
    return 2;
  } finally {
    await b.kill();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stdout.write(JSON.stringify({ error: String((e as Error)?.stack ?? e) }) + '\n');
    process.exit(2);
  },
);
