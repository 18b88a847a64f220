/**
 * Driving the flasher page through its data-testid hooks, as a user would:
 * choose or drop a file, fill the address, tick options, click, wait for the
 * status line. The same steps run in-process for the fast suite and inside
 * the umockdev harness (driver.ts --steps), where the test cannot reach the
 * browser itself; each step's outcome comes back as JSON.
 */
import { writeFileSync } from 'node:fs';
import type { Page } from 'puppeteer-core';

export type UiStep =
  /** Until the device panel names a device (its heading), optionally one whose text matches. */
  | { do: 'wait-device'; match?: string; deadlineMs?: number }
  | { do: 'choose-file'; path: string }
  /** A drop of the file on the drop zone (a DataTransfer built in the page). */
  | { do: 'drop-file'; name: string; hex: string }
  | { do: 'fill'; testid: string; value: string }
  | { do: 'check'; testid: string; checked: boolean }
  | { do: 'click'; testid: string }
  /** Until data-testid=status matches (a hang guard deadline, not an assertion). */
  | { do: 'wait-status'; pattern: string; deadlineMs?: number }
  | { do: 'wait-visible'; testid: string; deadlineMs?: number }
  | { do: 'read' }
  | { do: 'screenshot'; path: string }
  /** Run a function given as source in the page (plugging devices of the fake, say). */
  | { do: 'eval'; source: string }
  | { do: 'sleep'; ms: number };

export interface PageSnapshot {
  status: string;
  device: string;
  firmware: string;
  progress: { phase: string; done: string; stopped: boolean; text: string }[];
  result: { text: string; hidden: boolean; elapsedMs?: string; downloadMs?: string; bytes?: string };
  buttons: Record<string, { disabled: boolean; hidden: boolean }>;
  address: { value: string; disabled: boolean; placeholder: string };
}

export interface StepOutcome {
  step: string;
  status?: string;
  snapshot?: PageSnapshot;
  value?: unknown;
}

const sel = (testid: string): string => `[data-testid="${testid}"]`;

/** What the page shows now, read in the page (a string: the project compiles without the DOM types). */
const SNAPSHOT = `(() => {
  const q = (t) => document.querySelector('[data-testid="' + t + '"]');
  const text = (t) => (q(t)?.textContent ?? '').trim();
  const result = q('result');
  const address = q('address');
  const buttons = {};
  for (const t of ['connect', 'flash', 'permission']) buttons[t] = { disabled: q(t).disabled, hidden: q(t).hidden };
  return {
    status: text('status'),
    device: text('device'),
    firmware: (document.getElementById('firmware-info')?.textContent ?? '').trim(),
    progress: [...document.querySelectorAll('[data-testid="progress"] .phase')].map((r) => ({ phase: r.dataset.phase ?? '', done: r.dataset.done ?? '', stopped: r.dataset.stopped === 'true', text: (r.textContent ?? '').trim() })),
    result: { text: (result.textContent ?? '').trim(), hidden: result.hidden, elapsedMs: result.dataset.elapsedMs, downloadMs: result.dataset.downloadMs, bytes: result.dataset.bytes },
    buttons,
    address: { value: address.value, disabled: address.disabled, placeholder: address.placeholder },
  };
})()`;

export async function snapshot(page: Page): Promise<PageSnapshot> {
  return (await page.evaluate(SNAPSHOT)) as PageSnapshot;
}

async function waitFor(page: Page, what: string, fn: string, deadlineMs: number): Promise<void> {
  try {
    await page.waitForFunction(fn, { timeout: deadlineMs, polling: 50 });
  } catch (e) {
    const now = await snapshot(page).catch(() => undefined);
    throw new Error(`${what}: not within ${deadlineMs} ms (hang guard); the page shows ${JSON.stringify(now)}: ${(e as Error).message}`);
  }
}

export async function runStep(page: Page, step: UiStep): Promise<StepOutcome> {
  switch (step.do) {
    case 'wait-device': {
      const match = JSON.stringify(step.match ?? '');
      await waitFor(page, `a device${step.match ? ` matching ${step.match}` : ''}`, `(() => { const d = document.querySelector('[data-testid="device"]'); return d && d.querySelector('h3') && d.textContent.includes(${match}); })()`, step.deadlineMs ?? 20_000);
      return { step: step.do, snapshot: await snapshot(page) };
    }
    case 'choose-file': {
      const input = await page.$(sel('file'));
      if (input === null) throw new Error('no file input');
      await (input as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(step.path);
      await waitFor(page, `the file ${step.path} to be read`, `(() => { const f = document.getElementById('firmware-info').textContent; return !f.startsWith('No file') && !f.startsWith('Loading'); })()`, 10_000);
      return { step: step.do, snapshot: await snapshot(page) };
    }
    case 'drop-file': {
      await page.evaluate(`(() => {
        const bytes = Uint8Array.from(${JSON.stringify(step.hex)}.match(/../g) ?? [], (h) => parseInt(h, 16));
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], ${JSON.stringify(step.name)}));
        const zone = document.getElementById('drop');
        zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
        zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      })()`);
      await waitFor(page, `the dropped ${step.name} to be read`, `document.getElementById('firmware-info').textContent.includes(${JSON.stringify(step.name)})`, 10_000);
      return { step: step.do, snapshot: await snapshot(page) };
    }
    case 'fill':
      await page.evaluate(`(() => {
        const input = document.querySelector('${sel(step.testid)}');
        input.value = ${JSON.stringify(step.value)};
        input.dispatchEvent(new Event('input', { bubbles: true }));
      })()`);
      return { step: step.do };
    case 'check':
      await page.evaluate(`(() => {
        const input = document.querySelector('${sel(step.testid)}');
        if (input.checked !== ${step.checked}) input.click();
      })()`);
      return { step: step.do };
    case 'click':
      await waitFor(page, `${step.testid} to be enabled`, `(() => { const b = document.querySelector('[data-testid="${step.testid}"]'); return b && !b.disabled && !b.hidden; })()`, 20_000);
      await page.click(sel(step.testid));
      return { step: step.do };
    case 'wait-status': {
      const pattern = JSON.stringify(step.pattern);
      await waitFor(page, `status /${step.pattern}/`, `new RegExp(${pattern}).test(document.querySelector('[data-testid="status"]').textContent.trim())`, step.deadlineMs ?? 60_000);
      const snap = await snapshot(page);
      return { step: step.do, status: snap.status, snapshot: snap };
    }
    case 'wait-visible':
      await waitFor(page, `${step.testid} to show`, `(() => { const b = document.querySelector('[data-testid="${step.testid}"]'); return b && !b.hidden; })()`, step.deadlineMs ?? 20_000);
      return { step: step.do, snapshot: await snapshot(page) };
    case 'read':
      return { step: step.do, snapshot: await snapshot(page) };
    case 'screenshot': {
      await page.setViewport({ width: 900, height: 1200, deviceScaleFactor: 1 });
      const png = await page.screenshot({ fullPage: true, type: 'png' });
      writeFileSync(step.path, png);
      return { step: step.do, value: png.length };
    }
    case 'eval':
      return { step: step.do, value: await page.evaluate(step.source) };
    case 'sleep':
      await new Promise((r) => setTimeout(r, step.ms));
      return { step: step.do };
  }
}

export async function runSteps(page: Page, steps: UiStep[]): Promise<StepOutcome[]> {
  const out: StepOutcome[] = [];
  for (const s of steps) out.push(await runStep(page, s));
  return out;
}
