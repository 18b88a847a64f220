/**
 * The WebUSB backend through Chromium's own WebUSB stack: Chromium runs
 * inside the umockdev harness (test/e2e/harness) like any libusb program,
 * and a managed policy grants the test origin the emulated STM32F4 ROM, so
 * getDevices() returns it without a chooser. What the page does comes back
 * as JSON from the driver (support/driver.ts); what the device saw comes from
 * the harness's state dump (flash bytes, erase log, transcript).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runWithDevices, type RunResult } from '../e2e/harness/run.js';
import type { DfuDeviceInfo } from '../../src/transport/types.js';
import type { SimFaultSpec } from '../../src/sim/faults.js';
import { pattern } from '../support/pattern.js';
import { realBrowserSkip } from './support/real-browser.js';
import { bundleForBrowser, MODULE_PAGE } from './support/page-bundle.js';
import { writeWebUsbPolicy } from './support/policy.js';
import { startStaticServer, type StaticServer } from './support/static-server.js';
import { describeOrSkip } from '../support/describe-or-skip.js';

const skip = realBrowserSkip();

const F4 = { vendorId: 0x0483, productId: 0xdf11 };
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describeOrSkip("WebUSB backend through Chromium's WebUSB stack on umockdev-emulated devices", skip, () => {
  let server: StaticServer;
  let removePolicy: (() => void) | undefined;

  before(async () => {
    server = await startStaticServer({
      '/index.html': { body: MODULE_PAGE('/scenarios.js') },
      '/scenarios.js': { body: await bundleForBrowser('test/web/pages/scenarios.js') },
    });
    removePolicy = writeWebUsbPolicy(server.origin, [F4]);
  });
  after(async () => {
    removePolicy?.();
    await server?.close();
  });

  async function inChromium(calls: { name: string; arg?: unknown }[], options: { faults?: SimFaultSpec[]; dump?: { address: number; length: number }[] } = {}): Promise<{ results: unknown[]; run: RunResult }> {
    const run = await runWithDevices({
      profiles: [{ profile: 'stm32f4-sysboot', faults: options.faults }],
      command: [process.execPath, 'dist/test/web/support/driver.js', '--url', server.origin + '/', '--calls', JSON.stringify(calls)],
      dumpRanges: options.dump,
      timeoutMs: 120_000,
    });
    const line = run.stdout.trim().split('\n').pop() ?? '';
    let out: { results?: unknown[]; error?: string; pageErrors?: string[] };
    try {
      out = JSON.parse(line) as typeof out;
    } catch {
      throw new Error(`the driver printed no result (exit ${run.code}):\n${run.stdout}\n${run.stderr}\n${run.log.slice(-3000)}`);
    }
    assert.equal(out.error, undefined, out.error);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(out.pageErrors, []);
    return { results: out.results ?? [], run };
  }

  test('getDevices by policy: the F4 ROM with its four alt names, GETSTATUS, erase + download + upload, the flash bytes, disconnect after leave', async () => {
    const address = 0x08000000;
    const data = pattern(6 * 1024, 11);
    const { results, run } = await inChromium(
      [{ name: 'list' }, { name: 'statusCycle', arg: 0 }, { name: 'dfuseRoundTrip', arg: { address, dataHex: toHex(data), leave: true } }],
      { dump: [{ address, length: data.length }] },
    );
    const [list, status, trip] = results as [
      DfuDeviceInfo[],
      { first: { state: number; status: number }; second: { state: number; status: number } },
      { erase: number[]; uploadedHex: string; left: string; disconnected: boolean; devicesAfter: number; error?: unknown },
    ];

    assert.equal(list.length, 1, JSON.stringify(list));
    const f4 = list[0]!;
    assert.deepEqual([f4.vendorId, f4.productId, f4.product, f4.serial], [F4.vendorId, F4.productId, 'STM32  BOOTLOADER', '315A28A0B956']);
    // Chromium gives interfaceName null: these were read with GET_DESCRIPTOR(STRING)
    assert.deepEqual(
      f4.alts.map((a) => a.name),
      ['@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg', '@Option Bytes  /0x1FFFC000/01*016 g', '@OTP Memory /0x1FFF7800/01*512 g,01*016 g', '@Device Feature/0xFFFF0000/01*004 g'],
    );
    // and the functional descriptor came from GET_DESCRIPTOR(CONFIGURATION)
    assert.deepEqual([f4.alts[0]!.functional?.wTransferSize, f4.alts[0]!.functional?.bcdDFUVersion], [2048, 0x011a]);

    assert.deepEqual([status.first.state, status.first.status], [10, 10], 'dfuERROR, errFIRMWARE');
    assert.deepEqual([status.second.state, status.second.status], [2, 0], 'dfuIDLE, OK');

    assert.equal(trip.error, undefined, JSON.stringify(trip.error));
    assert.deepEqual(trip.erase, [0x08000000]);
    assert.equal(trip.uploadedHex, toHex(data), 'UPLOAD through Chromium reads back the image');
    assert.equal(trip.left, 'left-bus');
    assert.equal(trip.disconnected, true, "Chromium's navigator.usb fired disconnect");
    assert.equal(trip.devicesAfter, 0);

    const device = run.devices[0]!;
    assert.deepEqual(device.ranges[0]!.data, data, 'the emulated flash holds the image');
    assert.deepEqual(device.eraseLog, [0x08000000]);
    assert.equal(device.connected, false, 'the device left the bus');
    const requests = device.transcript.map((t) => t.request);
    assert.ok(requests.filter((r) => r === 'GET_DESCRIPTOR').length >= 6, 'descriptors and strings were read from the device');
    assert.equal(device.earlyPolls, 0, 'no GETSTATUS before bwPollTimeout');
  });

  test("a silent GETSTATUS is our TIMEOUT; the transport reopens the device so Chromium drops the transfer, and the next GETSTATUS gets through", async () => {
    const { results, run } = await inChromium([{ name: 'failingStatus', arg: { timeoutMs: 1500 } }], { faults: [{ request: 'DFU_GETSTATUS', action: 'silent' }] });
    const [r] = results as [{ error?: { code: string; details: Record<string, unknown> }; after: { state?: number; status?: number; error?: unknown } }];
    assert.equal(r.error?.code, 'TIMEOUT', JSON.stringify(r));
    assert.equal(r.error?.details.ownDeadline, true);
    assert.deepEqual([r.after.state, r.after.status], [10, 10], JSON.stringify(r.after));
    const polls = run.devices[0]!.transcript.filter((t) => t.request === 'DFU_GETSTATUS').map((t) => t.result);
    assert.deepEqual(polls, ['silent', 'ack']);
  });
});
