/**
 * Debian's Chromium for the browser tests, driven by puppeteer-core (which
 * never downloads a browser). Headless, a fresh profile per launch, every
 * navigation under a deadline with a relaunch when a page gets no response
 * at all, and the browser's whole process group killed at the end.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export const CHROMIUM = process.env.DFU_FLASH_CHROMIUM ?? '/usr/bin/chromium';

export function chromiumAvailable(): { ok: boolean; reason?: string } {
  if (process.platform !== 'linux') return { ok: false, reason: 'the browser tests run on Linux (Debian chromium)' };
  if (!existsSync(CHROMIUM)) return { ok: false, reason: `${CHROMIUM} not found (apt-get install chromium)` };
  return { ok: true };
}

export interface LaunchOptions {
  /** Running under the umockdev preload: keep the network service in the browser process (no fork hangs). */
  underPreload?: boolean;
}

export interface LaunchedBrowser {
  browser: Browser;
  /** Kill the browser's process group and delete its profile. Never throws. */
  kill(): Promise<void>;
}

const FLAGS = [
  '--no-sandbox', // the sandbox drops the umockdev preload from the processes that enumerate USB
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(options: LaunchOptions = {}): Promise<LaunchedBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'dfu-flash-chromium-'));
  const args = [...FLAGS, ...(options.underPreload ? ['--enable-features=NetworkServiceInProcess2'] : [])];
  let browser: Browser;
  try {
    browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, userDataDir, args, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false, timeout: 60_000, protocolTimeout: 120_000 });
  } catch (e) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw e;
  }
  const pid = browser.process()?.pid;
  return {
    browser,
    kill: async () => {
      try {
        await Promise.race([browser.close(), new Promise((resolve) => setTimeout(resolve, 5000))]);
      } catch {
        // killed below
      }
      if (pid !== undefined) {
        try {
          process.kill(-pid, 'SIGKILL'); // puppeteer starts the browser as a process group leader
        } catch {
          // already gone
        }
      }
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export interface OpenPageOptions {
  /** A classic script run before the page's own scripts (evaluateOnNewDocument). */
  inject?: string;
  /** Deadline of the navigation (default 30 s): a hang guard, not an assertion. */
  deadlineMs?: number;
  /** Wait for this global to exist after load (the page's module has run). */
  readyGlobal?: string;
}

/** Open `url` in a new page; the page's console errors are collected in `errors`. */
export async function openPage(browser: Browser, url: string, options: OpenPageOptions = {}): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String((e as Error)?.message ?? e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  if (options.inject !== undefined) await page.evaluateOnNewDocument(options.inject);
  const deadlineMs = options.deadlineMs ?? 30_000;
  await page.goto(url, { timeout: deadlineMs, waitUntil: 'load' });
  if (options.readyGlobal !== undefined) {
    await page.waitForFunction((name: string) => (globalThis as Record<string, unknown>)[name] !== undefined, { timeout: deadlineMs }, options.readyGlobal);
  }
  return { page, errors };
}

/**
 * Launch, open `url`, and relaunch (up to `attempts` times) when the browser
 * or the page gets no response at all: about one launch in ten was seen to
 * hang before the first page load under the umockdev preload.
 */
export async function launchAndOpen(url: string, options: LaunchOptions & OpenPageOptions & { attempts?: number } = {}): Promise<LaunchedBrowser & { page: Page; errors: string[] }> {
  const attempts = options.attempts ?? 3;
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    let launched: LaunchedBrowser | undefined;
    try {
      launched = await launchChromium(options);
      const opened = await openPage(launched.browser, url, { ...options, deadlineMs: options.deadlineMs ?? 20_000 });
      return { ...launched, ...opened };
    } catch (e) {
      last = e;
      await launched?.kill();
    }
  }
  throw new Error(`Chromium did not load ${url} in ${attempts} attempts: ${(last as Error)?.message ?? String(last)}`);
}
