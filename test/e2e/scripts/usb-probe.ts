/**
 * A tiny libusb client for the end-to-end tests: drives createUsbBackend()
 * (the real `usb` package and its bundled libusb) and prints one JSON object.
 *
 *   node dist/test/e2e/scripts/usb-probe.js list
 *   node dist/test/e2e/scripts/usb-probe.js status-cycle [--alt N]   SET_INTERFACE, GETSTATUS, CLRSTATUS, GETSTATUS
 *   node dist/test/e2e/scripts/usb-probe.js getstatus --count 2 --timeout 300
 *   node dist/test/e2e/scripts/usb-probe.js detach [--reset]   DFU_DETACH a runtime device (then a USB reset),
 *        and poll list() until the DFU-mode device is on the same port: libusb's device list in a
 *        running process only changes when the hotplug uevents reach it
 *   node dist/test/e2e/scripts/usb-probe.js hold --ms N        claim the DFU interface, print, hold it N ms
 *
 * Options: --serial S (pick the device), --timeout ms (per transfer, default 1000).
 * Errors print as { error: { code, message, hint, details } } with exit status 1.
 */
import { DFU_CLRSTATUS, DFU_DETACH, DFU_GETSTATUS, DFU_STATE_NAMES, DFU_STATUS_NAMES } from '../../../src/dfu/constants.js';
import { isDfuFlashError } from '../../../src/shared/errors.js';
import { createUsbBackend } from '../../../src/transport/usb/index.js';
import type { DfuDeviceInfo, DfuTransport } from '../../../src/transport/types.js';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const timeoutMs = Number(option('--timeout') ?? 1000);

function errorJson(e: unknown): object {
  if (isDfuFlashError(e)) return { code: e.code, message: e.message, hint: e.hint, details: e.details };
  return { code: 'UNEXPECTED', message: (e as Error)?.stack ?? String(e) };
}

async function getStatus(t: DfuTransport, intf: number): Promise<object> {
  const b = await t.controlIn({ bmRequestType: 0xa1, bRequest: DFU_GETSTATUS, wValue: 0, wIndex: intf, wLength: 6 }, { timeoutMs });
  return {
    request: 'DFU_GETSTATUS',
    bytes: [...b],
    status: DFU_STATUS_NAMES[b[0]!],
    bwPollTimeout: b[1]! | (b[2]! << 8) | (b[3]! << 16),
    state: DFU_STATE_NAMES[b[4]!],
  };
}

async function withDevice<T>(fn: (t: DfuTransport, info: DfuDeviceInfo) => Promise<T>): Promise<T> {
  const backend = await createUsbBackend();
  try {
    const serial = option('--serial');
    const devices = await backend.list();
    const info = devices.find((d) => serial === undefined || d.serial === serial);
    if (!info) throw new Error(`no DFU device${serial ? ` with serial ${serial}` : ''} among ${devices.length}`);
    const t = await backend.open(info);
    try {
      await t.claimInterface(info.alts[0]!.interfaceNumber);
      return await fn(t, info);
    } finally {
      await t.close();
    }
  } finally {
    backend.dispose();
  }
}

const summary = (d: DfuDeviceInfo): object => ({
  ids: `${d.vendorId.toString(16).padStart(4, '0')}:${d.productId.toString(16).padStart(4, '0')}`,
  portPath: d.portPath,
  deviceAddress: d.deviceAddress,
  serial: d.serial,
  protocols: d.alts.map((a) => a.interfaceProtocol),
});

async function detachAndWait(reset: boolean): Promise<object> {
  const backend = await createUsbBackend();
  try {
    const runtime = (await backend.list()).find((d) => d.alts.some((a) => a.interfaceProtocol === 1));
    if (!runtime) throw new Error('no runtime-mode DFU device');
    const intf = runtime.alts.find((a) => a.interfaceProtocol === 1)!.interfaceNumber;
    const t = await backend.open(runtime);
    await t.claimInterface(intf);
    await t.controlOut({ bmRequestType: 0x21, bRequest: DFU_DETACH, wValue: 1000, wIndex: intf, wLength: 0 }, new Uint8Array(0), {
      timeoutMs,
    });
    if (reset) await t.reset();
    await t.close();
    const t0 = performance.now();
    const seen: string[] = [];
    while (performance.now() - t0 < 5000) {
      const list = await backend.list();
      const line = list.map((d) => `${d.portPath}:${d.alts.map((a) => a.interfaceProtocol).join('')}`).join(' ');
      if (seen[seen.length - 1] !== line) seen.push(line);
      const dfu = list.find((d) => d.portPath === runtime.portPath && d.alts.every((a) => a.interfaceProtocol === 2));
      if (dfu) return { before: summary(runtime), after: summary(dfu), waitedMs: performance.now() - t0, listings: seen };
      await new Promise((r) => setTimeout(r, 20));
    }
    return { before: summary(runtime), after: null, listings: seen };
  } finally {
    backend.dispose();
  }
}

async function main(): Promise<object> {
  const command = process.argv[2];
  switch (command) {
    case 'list': {
      const backend = await createUsbBackend();
      const devices = await backend.list();
      backend.dispose();
      return { devices };
    }
    case 'status-cycle':
      return withDevice(async (t, info) => {
        const intf = info.alts[0]!.interfaceNumber;
        await t.setAltSetting(intf, Number(option('--alt') ?? 0));
        const first = await getStatus(t, intf);
        await t.controlOut({ bmRequestType: 0x21, bRequest: DFU_CLRSTATUS, wValue: 0, wIndex: intf, wLength: 0 }, new Uint8Array(0), {
          timeoutMs,
        });
        const second = await getStatus(t, intf);
        return { steps: [first, { request: 'DFU_CLRSTATUS' }, second] };
      });
    case 'getstatus':
      return withDevice(async (t, info) => {
        const attempts: object[] = [];
        for (let i = 0; i < Number(option('--count') ?? 1); i++) {
          const t0 = performance.now();
          try {
            attempts.push({ ok: true, ...(await getStatus(t, info.alts[0]!.interfaceNumber)), elapsedMs: performance.now() - t0 });
          } catch (e) {
            attempts.push({ ok: false, error: errorJson(e), elapsedMs: performance.now() - t0 });
          }
        }
        const t0 = performance.now();
        await t.close();
        return { attempts, closeMs: performance.now() - t0 };
      });
    case 'hold':
      return withDevice(async () => {
        process.stdout.write(JSON.stringify({ claimed: true }) + '\n');
        await new Promise((r) => setTimeout(r, Number(option('--ms') ?? 1000)));
        return { released: true };
      });
    case 'detach':
      return detachAndWait(process.argv.includes('--reset'));
    default:
      throw new Error(`unknown command ${String(command)}: list | status-cycle | getstatus | detach | hold`);
  }
}

main().then(
  (result) => {
    process.stdout.write(JSON.stringify(result) + '\n');
  },
  (e: unknown) => {
    process.stdout.write(JSON.stringify({ error: errorJson(e) }) + '\n');
    process.exitCode = 1;
  },
);
