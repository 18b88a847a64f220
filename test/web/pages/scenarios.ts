/**
 * Runs in the test page (bundled by test/web/support/page-bundle.ts): the
 * WebUSB backend over whatever `navigator.usb` the page has — the fake over
 * simulated devices, or Chromium's own — and the protocol core (src/dfu) on
 * top of it. Each scenario returns plain JSON for the test to assert on;
 * errors come back as { code, message, hint } values, never as throws.
 */
import { DfuRequests } from '../../../src/dfu/requests.js';
import { executeDfusePlan, dfuseLeave, dfuseUpload } from '../../../src/dfu/dfuse.js';
import { ensureIdle } from '../../../src/dfu/idle.js';
import { parseMemoryLayout } from '../../../src/dfu/memory-layout.js';
import { planDfuseDownload } from '../../../src/dfu/planner.js';
import { DEFAULT_QUIRKS } from '../../../src/dfu/quirks.js';
import type { DfuSession } from '../../../src/dfu/session.js';
import type { FlashEvent } from '../../../src/dfu/events.js';
import { rawImage } from '../../../src/formats/raw.js';
import { DfuFlashError } from '../../../src/shared/errors.js';
import { systemClock } from '../../../src/transport/clock.js';
import type { DfuDeviceInfo, DfuTransport } from '../../../src/transport/types.js';
import { dfuDeviceFilters, needsPermissionError, webUsbBackend, type WebUsb, type WebUsbBackend, type WebUsbDeviceFilter } from '../../../src/transport/webusb/index.js';

export interface ErrorValue {
  code: string;
  message: string;
  hint?: string | undefined;
  details?: Record<string, unknown>;
}

const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const fromHex = (s: string): Uint8Array => Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16));

function errorValue(e: unknown): ErrorValue {
  if (e instanceof DfuFlashError) return { code: e.code, message: e.message, hint: e.hint, details: JSON.parse(JSON.stringify(e.details)) as Record<string, unknown> };
  return { code: 'THROWN', message: String((e as Error)?.stack ?? e) };
}

function usb(): WebUsb {
  return (globalThis as unknown as { navigator: { usb: WebUsb } }).navigator.usb;
}

function backend(): WebUsbBackend {
  return webUsbBackend(usb(), { platform: 'linux' });
}

interface Opened {
  b: WebUsbBackend;
  info: DfuDeviceInfo;
  transport: DfuTransport;
  req: DfuRequests;
  session: DfuSession;
  events: FlashEvent[];
}

async function openDfu(index: number, timeoutMs?: number): Promise<Opened> {
  const b = backend();
  const list = await b.list();
  const info = list[index];
  if (info === undefined) throw new Error(`no device ${index} (${list.length} listed)`);
  const alt = info.alts[0]!;
  const transport = await b.open(info);
  await transport.claimInterface(alt.interfaceNumber);
  await transport.setAltSetting(alt.interfaceNumber, alt.alternateSetting);
  const events: FlashEvent[] = [];
  const req = new DfuRequests({ transport, interfaceNumber: alt.interfaceNumber, emit: (e) => events.push(e), timeoutMs });
  const functional = alt.functional!;
  const session: DfuSession = { req, clock: systemClock, emit: (e) => events.push(e), functional, transferSize: functional.wTransferSize, quirks: { ...DEFAULT_QUIRKS } };
  return { b, info, transport, req, session, events };
}

/** Every device the backend lists. */
async function list(): Promise<DfuDeviceInfo[] | ErrorValue> {
  try {
    return await backend().list();
  } catch (e) {
    return errorValue(e);
  }
}

/** GETSTATUS, CLRSTATUS when in dfuERROR, GETSTATUS again. */
async function statusCycle(index = 0): Promise<unknown> {
  let o: Opened | undefined;
  try {
    o = await openDfu(index);
    const first = await o.req.getStatus();
    if (first.state === 10) await o.req.clrStatus();
    const second = await o.req.getStatus();
    return { first, second };
  } catch (e) {
    return { error: errorValue(e) };
  } finally {
    await o?.transport.close();
  }
}

export interface RoundTripArgs {
  index?: number;
  address: number;
  dataHex: string;
  leave?: boolean;
  /** Deadline for the disconnect event after leave (hang guard). */
  disconnectWaitMs?: number;
}

/** DfuSe: plan, erase + DNLOAD (executeDfusePlan), UPLOAD the same range, then optionally leave and wait for `disconnect`. */
async function dfuseRoundTrip(args: RoundTripArgs): Promise<unknown> {
  let o: Opened | undefined;
  const seen: string[] = [];
  const onDisconnect = (): void => {
    seen.push('disconnect');
  };
  usb().addEventListener('disconnect', onDisconnect);
  try {
    o = await openDfu(args.index ?? 0);
    const data = fromHex(args.dataHex);
    const layout = parseMemoryLayout(o.info.alts[0]!.name ?? '');
    const plan = planDfuseDownload(rawImage(data, args.address), layout, { transferSize: o.session.transferSize, leave: args.leave ?? false });
    await ensureIdle(o.session);
    const end = await executeDfusePlan(o.session, plan);
    const uploaded = await dfuseUpload(o.session, args.address, data.length);
    let left: string | undefined;
    let disconnected = false;
    if (args.leave) {
      const gone = new Promise<boolean>((resolve) => {
        if (seen.length > 0) resolve(true);
        usb().addEventListener('disconnect', () => resolve(true));
        setTimeout(() => resolve(false), args.disconnectWaitMs ?? 10_000);
      });
      left = await dfuseLeave(o.session, undefined);
      disconnected = await gone;
    }
    const phases = o.events.filter((e) => e.type === 'phase-end').map((e) => (e as { phase: string }).phase);
    const devicesAfter = (await usb().getDevices()).length;
    return { erase: plan.erase.map((s) => s.address), end, uploadedHex: toHex(uploaded), left, disconnected, events: seen, phases, devicesAfter, transfers: o.req.transfers };
  } catch (e) {
    return { error: errorValue(e), events: seen };
  } finally {
    usb().removeEventListener('disconnect', onDisconnect);
    await o?.transport.close();
  }
}

/** One GETSTATUS that is expected to fail (a fault), then one that should work: the error, and the second answer. */
async function failingStatus(args: { index?: number; timeoutMs?: number }): Promise<unknown> {
  let o: Opened | undefined;
  try {
    o = await openDfu(args.index ?? 0, args.timeoutMs);
    let error: ErrorValue | undefined;
    try {
      await o.req.getStatus();
    } catch (e) {
      error = errorValue(e);
    }
    let after: unknown;
    try {
      after = await o.req.getStatus();
    } catch (e) {
      after = { error: errorValue(e) };
    }
    return { error, after };
  } catch (e) {
    return { openError: errorValue(e) };
  } finally {
    await o?.transport.close();
  }
}

interface SimController {
  history(): unknown[];
}

/**
 * A runtime device detaches; its DFU-mode self arrives as a new device the
 * page has no permission for, so list() cannot see it: the NEEDS_PERMISSION
 * error a page would get, with the filters to request. Waits for the
 * simulated bus to have the new device (fake navigator.usb only).
 */
async function detachNeedsPermission(): Promise<unknown> {
  let o: Opened | undefined;
  try {
    o = await openDfu(0);
    const before = o.info;
    await o.req.detach(before.alts[0]!.functional?.wDetachTimeOut ?? 255);
    await o.transport.close();
    const sim = (globalThis as unknown as { dfuFlashSim: SimController }).dfuFlashSim;
    for (let i = 0; i < 200 && sim.history().length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    const after = await o.b.list();
    const error = after.length === 0 ? needsPermissionError(dfuDeviceFilters([{ vendorId: before.vendorId }]), { reason: `after DFU_DETACH, ${before.product ?? 'the device'} re-enumerated` }) : undefined;
    return { before: before.productId, bus: sim.history().length, after: after.map((d) => d.productId), error: error && errorValue(error) };
  } catch (e) {
    return { error: errorValue(e) };
  }
}

/** What a page does with a NEEDS_PERMISSION error: requestDevice with its filters (in a user gesture), then list. */
async function requestWith(filters: WebUsbDeviceFilter[]): Promise<unknown> {
  const b = backend();
  try {
    const picked = await b.requestDevice({ filters });
    const listed = await b.list();
    return { picked: { vendorId: picked.vendorId, productId: picked.productId, product: picked.product, names: picked.alts.map((a) => a.name) }, listed: listed.map((d) => d.productId) };
  } catch (e) {
    return { error: errorValue(e) };
  }
}

(globalThis as Record<string, unknown>).dfuWebTest = { list, statusCycle, dfuseRoundTrip, failingStatus, detachNeedsPermission, requestWith };
