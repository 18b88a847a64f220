/**
 * DFU 1.1 Appendix A as a table: state × request → ack/stall and next state.
 * Devices are driven with raw SETUP packets through SimTransport on a FakeClock.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isDfuFlashError } from '../../src/shared/errors.js';
import { FakeClock } from '../../src/transport/clock.js';
import { DfuState, DfuStatus } from '../../src/dfu/constants.js';
import { SimDevice, readDeviceInfo, readRawDescriptors, SimTransport } from '../../src/sim/index.js';
import { dapboot } from '../../src/sim/profiles/dapboot.js';
import type { SimProfile } from '../../src/sim/profile-types.js';
import { clearF4, command, dfu, dfuse, pollDone, rig, type Rig } from './helpers.js';

type Req = 'DNLOAD' | 'DNLOAD0' | 'DNLOAD_B1' | 'UPLOAD' | 'UPLOAD_B1' | 'GETSTATUS' | 'GETSTATE' | 'CLRSTATUS' | 'ABORT' | 'DETACH';

const BLOCK = new Uint8Array(1024).fill(0x5a);

async function send(r: Rig, req: Req): Promise<'ack' | 'stall'> {
  try {
    switch (req) {
      case 'DNLOAD':
        await dfu.dnload(r.t, 2, BLOCK);
        break;
      case 'DNLOAD0':
        await dfu.dnload(r.t, 3, new Uint8Array(0));
        break;
      case 'DNLOAD_B1':
        await dfu.dnload(r.t, 1, BLOCK);
        break;
      case 'UPLOAD':
        await dfu.upload(r.t, 2, 1024);
        break;
      case 'UPLOAD_B1':
        await dfu.upload(r.t, 1, 1024);
        break;
      case 'GETSTATUS':
        await dfu.getStatus(r.t);
        break;
      case 'GETSTATE':
        await dfu.getState(r.t);
        break;
      case 'CLRSTATUS':
        await dfu.clrStatus(r.t);
        break;
      case 'ABORT':
        await dfu.abort(r.t);
        break;
      case 'DETACH':
        await dfu.detach(r.t);
        break;
    }
    return 'ack';
  } catch (e) {
    if (isDfuFlashError(e, 'STALL')) return 'stall';
    throw e;
  }
}

type From =
  | 'dfuIDLE'
  | 'dfuDNLOAD-SYNC'
  | 'dfuDNBUSY'
  | 'dfuDNLOAD-IDLE'
  | 'dfuMANIFEST-SYNC'
  | 'dfuUPLOAD-IDLE'
  | 'dfuERROR'
  | 'appIDLE'
  | 'appDETACH';

/** Bring a fresh device of the right kind into `from`. */
async function reach(from: From, profile: 'dapboot' | 'stm32f4-sysboot'): Promise<Rig> {
  if (from === 'appIDLE' || from === 'appDETACH') {
    const r = await rig('runtime-app-reset');
    if (from === 'appDETACH') await dfu.detach(r.t);
    return r;
  }
  const r = await rig(profile);
  if (profile === 'stm32f4-sysboot') await clearF4(r);
  const dn = async () => {
    if (profile === 'stm32f4-sysboot') await command(r, dfuse.setAddress(0x08000000));
    else await dfu.dnload(r.t, 0, BLOCK).then(() => pollDone(r));
  };
  switch (from) {
    case 'dfuIDLE':
      break;
    case 'dfuDNLOAD-SYNC':
      await dfu.dnload(r.t, 0, profile === 'dapboot' ? BLOCK : dfuse.setAddress(0x08000000));
      break;
    case 'dfuDNBUSY':
      await dfu.dnload(r.t, 0, profile === 'dapboot' ? BLOCK : dfuse.erase(0x08000000));
      assert.equal((await dfu.getStatus(r.t)).bState, DfuState.dfuDNBUSY);
      break;
    case 'dfuDNLOAD-IDLE':
      await dn();
      break;
    case 'dfuMANIFEST-SYNC':
      await dn();
      await dfu.dnload(r.t, 0, new Uint8Array(0));
      break;
    case 'dfuUPLOAD-IDLE':
      if (profile === 'stm32f4-sysboot') await dfu.upload(r.t, 2, 2048);
      else await dfu.upload(r.t, 0, 1024);
      break;
    case 'dfuERROR':
      await send(r, 'CLRSTATUS');
      break;
  }
  assert.equal(r.device.stateName, from, `could not reach ${from}`);
  r.device.transcript.length = 0;
  return r;
}

interface Row {
  from: From;
  req: Req;
  result: 'ack' | 'stall';
  next: string;
  /** The device was busy: the request completes only when the busy period ends. */
  late?: boolean;
  profile?: 'dapboot' | 'stm32f4-sysboot';
}

const PLAIN: Row[] = [
  { from: 'dfuIDLE', req: 'DNLOAD', result: 'ack', next: 'dfuDNLOAD-SYNC' },
  { from: 'dfuIDLE', req: 'DNLOAD0', result: 'stall', next: 'dfuERROR' },
  { from: 'dfuIDLE', req: 'UPLOAD', result: 'ack', next: 'dfuUPLOAD-IDLE' },
  { from: 'dfuIDLE', req: 'ABORT', result: 'ack', next: 'dfuIDLE' },
  { from: 'dfuIDLE', req: 'GETSTATUS', result: 'ack', next: 'dfuIDLE' },
  { from: 'dfuIDLE', req: 'GETSTATE', result: 'ack', next: 'dfuIDLE' },
  { from: 'dfuIDLE', req: 'CLRSTATUS', result: 'stall', next: 'dfuERROR' },
  { from: 'dfuIDLE', req: 'DETACH', result: 'stall', next: 'dfuERROR' },
  { from: 'dfuDNLOAD-SYNC', req: 'GETSTATUS', result: 'ack', next: 'dfuDNBUSY' },
  { from: 'dfuDNLOAD-SYNC', req: 'GETSTATE', result: 'ack', next: 'dfuDNLOAD-SYNC' },
  { from: 'dfuDNLOAD-SYNC', req: 'DNLOAD', result: 'stall', next: 'dfuERROR' },
  { from: 'dfuDNLOAD-SYNC', req: 'UPLOAD', result: 'stall', next: 'dfuERROR' },
  { from: 'dfuDNLOAD-SYNC', req: 'ABORT', result: 'stall', next: 'dfuERROR' },
  { from: 'dfuDNLOAD-SYNC', req: 'CLRSTATUS', result: 'stall', next: 'dfuERROR' },
  { from: 'dfuDNBUSY', req: 'GETSTATUS', result: 'ack', next: 'dfuDNLOAD-IDLE', late: true },
  { from: 'dfuDNBUSY', req: 'GETSTATE', result: 'ack', next: 'dfuDNLOAD-SYNC', late: true },
  { from: 'dfuDNBUSY', req: 'DNLOAD', result: 'stall', next: 'dfuERROR', late: true },
  { from: 'dfuDNBUSY', req: 'ABORT', result: 'stall', next: 'dfuERROR', late: true },
  { from: 'dfuDNBUSY', req: 'UPLOAD', result: 'stall', next: 'dfuERROR', late: true },
  { from: 'dfuDNLOAD-IDLE', req: 'DNLOAD', result: 'ack', next: 'dfuDNLOAD-SYNC' },
  { from: 'dfuDNLOAD-IDLE', req: 'DNLOAD0', result: 'ack', next: 'dfuMANIFEST-SYNC' },
  { from: 'dfuDNLOAD-IDLE', req: 'ABORT', result: 'ack', next: 'dfuIDLE' },
  { from: 'dfuDNLOAD-IDLE', req: 'GETSTATUS', result: 'ack', next: 'dfuDNLOAD-IDLE' },
  { from: 'dfuDNLOAD-IDLE', req: 'UPLOAD', result: 'stall', next: 'dfuERROR' },
  { from: 'dfuDNLOAD-IDLE', req: 'CLRSTATUS', result: 'stall', next: 'dfuERROR' },
  { from: 'dfuMANIFEST-SYNC', req: 'GETSTATUS', result: 'ack', next: 'dfuMANIFEST' },
  { from: 'dfuMANIFEST-SYNC', req: 'GETSTATE', result: 'ack', next: 'dfuMANIFEST-SYNC' },
  { from: 'dfuMANIFEST-SYNC', req: 'DNLOAD', result: 'stall', next: 'dfuERROR' },
  { from: 'dfuMANIFEST-SYNC', req: 'ABORT', result: 'stall', next: 'dfuERROR' },
  { from: 'dfuUPLOAD-IDLE', req: 'UPLOAD', result: 'ack', next: 'dfuUPLOAD-IDLE' },
  { from: 'dfuUPLOAD-IDLE', req: 'ABORT', result: 'ack', next: 'dfuIDLE' },
  { from: 'dfuUPLOAD-IDLE', req: 'GETSTATUS', result: 'ack', next: 'dfuUPLOAD-IDLE' },
  { from: 'dfuUPLOAD-IDLE', req: 'DNLOAD', result: 'stall', next: 'dfuERROR' },
  { from: 'dfuUPLOAD-IDLE', req: 'CLRSTATUS', result: 'stall', next: 'dfuERROR' },
  { from: 'dfuERROR', req: 'CLRSTATUS', result: 'ack', next: 'dfuIDLE' },
  { from: 'dfuERROR', req: 'GETSTATUS', result: 'ack', next: 'dfuERROR' },
  { from: 'dfuERROR', req: 'GETSTATE', result: 'ack', next: 'dfuERROR' },
  { from: 'dfuERROR', req: 'DNLOAD', result: 'stall', next: 'dfuERROR' },
  { from: 'dfuERROR', req: 'UPLOAD', result: 'stall', next: 'dfuERROR' },
  { from: 'dfuERROR', req: 'ABORT', result: 'stall', next: 'dfuERROR' },
  { from: 'appIDLE', req: 'DETACH', result: 'ack', next: 'appDETACH' },
  { from: 'appIDLE', req: 'GETSTATUS', result: 'ack', next: 'appIDLE' },
  { from: 'appIDLE', req: 'GETSTATE', result: 'ack', next: 'appIDLE' },
  { from: 'appIDLE', req: 'DNLOAD', result: 'stall', next: 'appIDLE' },
  { from: 'appIDLE', req: 'UPLOAD', result: 'stall', next: 'appIDLE' },
  { from: 'appIDLE', req: 'CLRSTATUS', result: 'stall', next: 'appIDLE' },
  { from: 'appIDLE', req: 'ABORT', result: 'stall', next: 'appIDLE' },
  { from: 'appDETACH', req: 'GETSTATUS', result: 'ack', next: 'appDETACH' },
  { from: 'appDETACH', req: 'GETSTATE', result: 'ack', next: 'appDETACH' },
  { from: 'appDETACH', req: 'DNLOAD', result: 'stall', next: 'appIDLE' },
  { from: 'appDETACH', req: 'DETACH', result: 'stall', next: 'appIDLE' },
];

const DFUSE_ROWS: Row[] = [
  { from: 'dfuIDLE', req: 'DNLOAD0', result: 'ack', next: 'dfuMANIFEST-SYNC' },
  { from: 'dfuIDLE', req: 'DNLOAD_B1', result: 'stall', next: 'dfuERROR' },
  { from: 'dfuIDLE', req: 'UPLOAD_B1', result: 'stall', next: 'dfuERROR' },
  { from: 'dfuIDLE', req: 'DETACH', result: 'stall', next: 'dfuERROR' },
  { from: 'dfuIDLE', req: 'UPLOAD', result: 'ack', next: 'dfuUPLOAD-IDLE' },
  { from: 'dfuDNLOAD-SYNC', req: 'GETSTATUS', result: 'ack', next: 'dfuDNBUSY' },
  { from: 'dfuDNBUSY', req: 'GETSTATUS', result: 'ack', next: 'dfuDNLOAD-IDLE', late: true },
  { from: 'dfuDNBUSY', req: 'CLRSTATUS', result: 'stall', next: 'dfuERROR', late: true },
  { from: 'dfuDNLOAD-IDLE', req: 'UPLOAD', result: 'stall', next: 'dfuERROR' },
  { from: 'dfuDNLOAD-IDLE', req: 'DNLOAD0', result: 'ack', next: 'dfuMANIFEST-SYNC' },
  { from: 'dfuMANIFEST-SYNC', req: 'GETSTATUS', result: 'ack', next: 'dfuMANIFEST' },
  { from: 'dfuUPLOAD-IDLE', req: 'DNLOAD', result: 'stall', next: 'dfuERROR' },
  { from: 'dfuERROR', req: 'CLRSTATUS', result: 'ack', next: 'dfuIDLE' },
];
const DFUSE: Row[] = DFUSE_ROWS.map((r) => ({ ...r, profile: 'stm32f4-sysboot' }));

function runTable(rows: Row[]): void {
  for (const row of rows) {
    const profile = row.profile ?? 'dapboot';
    test(`${row.from} × ${row.req} → ${row.result}, ${row.next}${row.late ? ' (completes late)' : ''}`, async () => {
      const r = await reach(row.from, profile);
      const t0 = r.clock.now();
      const busyUntil = r.device.busyUntil;
      assert.equal(await send(r, row.req), row.result);
      assert.equal(r.device.stateName, row.next);
      const last = r.device.transcript.at(-1)!;
      assert.equal(last.result, row.result);
      assert.equal(last.state, row.next);
      if (row.result === 'stall' && row.next === 'dfuERROR') assert.equal(r.device.statusName, 'errSTALLEDPKT');
      if (row.late) {
        assert.ok(busyUntil > t0);
        assert.equal(last.t, t0);
        assert.equal(last.doneAt, busyUntil);
      } else {
        assert.equal(last.doneAt, last.t);
      }
    });
  }
}

describe('DFU 1.1 state table (dapboot, runtime-app-reset)', () => runTable(PLAIN));
describe('DfuSe variations (stm32f4-sysboot)', () => runTable(DFUSE));

describe('manifestation per bmAttributes (generated matrix)', () => {
  const variant = (bmAttributes: number): SimProfile => ({
    ...dapboot,
    name: `dapboot-0x${bmAttributes.toString(16)}`,
    dfu: { ...dapboot.dfu, functional: { ...dapboot.dfu.functional, bmAttributes } },
  });
  async function open(bmAttributes: number) {
    const clock = new FakeClock();
    const device = new SimDevice(variant(bmAttributes), { clock });
    const info = await readDeviceInfo(device, await readRawDescriptors(device), {
      key: 'k',
      busNumber: 1,
      deviceAddress: 2,
      portPath: '1-1',
    });
    const t = new SimTransport(device, info, clock);
    await t.claimInterface(0);
    const events: string[] = [];
    device.onBusEvent((e) => events.push(e.type));
    const r: Rig = { clock, device, t };
    await dfu.dnload(t, 0, BLOCK);
    await pollDone(r);
    await dfu.dnload(t, 1, new Uint8Array(0));
    const s = await dfu.getStatus(t);
    assert.equal(s.bState, DfuState.dfuMANIFEST);
    await clock.sleep(Math.max(s.pollMs, 5));
    return { r, events };
  }

  for (const tolerant of [false, true]) {
    for (const willDetach of [false, true]) {
      const attrs = 0x03 | (tolerant ? 0x04 : 0) | (willDetach ? 0x08 : 0);
      test(`bmAttributes 0x${attrs.toString(16).padStart(2, '0')}: tolerant=${tolerant} willDetach=${willDetach}`, async () => {
        const { r, events } = await open(attrs);
        if (tolerant) {
          assert.deepEqual(events, []);
          assert.equal(r.device.stateName, 'dfuMANIFEST-SYNC');
          assert.equal((await dfu.getStatus(r.t)).bState, DfuState.dfuIDLE);
        } else if (willDetach) {
          assert.deepEqual(events, ['disconnect']);
          assert.equal(r.device.connected, false);
        } else {
          assert.deepEqual(events, []);
          assert.equal(r.device.stateName, 'dfuMANIFEST-WAIT-RESET');
          const s = await dfu.getStatus(r.t);
          assert.deepEqual([s.bState, s.bStatus], [DfuState.dfuMANIFEST_WAIT_RESET, DfuStatus.OK]);
          assert.equal(await send(r, 'DNLOAD'), 'stall');
          assert.equal(r.device.stateName, 'dfuMANIFEST-WAIT-RESET');
          await r.t.reset();
          assert.deepEqual(events, ['disconnect']);
          assert.equal(r.device.connected, false);
        }
      });
    }
  }
});

describe('bus reset in DFU mode', () => {
  test('returns the device to its power-on state and keeps the alt setting', async () => {
    const r = await rig('stm32f4-sysboot');
    await clearF4(r);
    await r.t.setAltSetting(0, 1);
    await command(r, dfuse.setAddress(0x1fffc004));
    assert.equal(r.device.addressPointer, 0x1fffc004);
    await r.t.reset();
    assert.equal(r.device.stateName, 'dfuERROR');
    assert.equal(r.device.statusName, 'errFIRMWARE');
    assert.equal(r.device.altSetting(0), 1);
    assert.equal(r.device.addressPointer, 0x1fffc000);
    assert.equal(r.device.transcript.at(-1)!.request, 'BUS_RESET');
  });
});
