/**
 * The station's decisions, listing by listing, on made-up devices: each
 * enumeration decided once, runtime and unmatched devices left alone, returns
 * after a flash (as the application; to the bootloader within the window),
 * replugs skipped unless `again`, failures not retried, one board per port,
 * and memory bounded per port.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PortBook, type PortDecision } from '../../src/station/port-book.js';
import { FlashedBoards } from '../../src/station/flashed-boards.js';
import type { StationBoard } from '../../src/station/types.js';
import type { ListedDevice } from '../../src/index.js';

let nextAddress = 2;
function dev(port: string, o: { serial?: string; mode?: 'dfu' | 'runtime'; pid?: number; address?: number } = {}): ListedDevice {
  const address = o.address ?? nextAddress++;
  return {
    key: `t:${port}:${address}`,
    vendorId: 0x0483,
    productId: o.pid ?? (o.mode === 'runtime' ? 0x5740 : 0xdf11),
    bcdDevice: 0x2200,
    bcdUSB: 0x0200,
    bMaxPacketSize0: 64,
    busNumber: 1,
    deviceAddress: address,
    portPath: port,
    configurationValue: 1,
    serial: o.serial ?? 'S1',
    mode: o.mode ?? 'dfu',
    dfuse: true,
    alts: [],
  };
}

class Bench {
  readonly book: PortBook;
  n = 0;
  constructor(o: { again?: boolean; returnWindowMs?: number; remember?: number } = {}) {
    this.book = new PortBook({ again: o.again ?? false, returnWindowMs: o.returnWindowMs ?? 5000, rememberBoards: o.remember });
  }
  /** Review a listing; takes become boards (returned); decisions in words. */
  look(devices: ListedDevice[], now = 0, canTake = true, wanted: (d: ListedDevice) => boolean = () => true): { words: string[]; taken: StationBoard[] } {
    const taken: StationBoard[] = [];
    const words = this.book.review(devices, wanted, now, () => canTake).map((d: PortDecision) => {
      if (d.kind !== 'take') return `${d.kind} ${'board' in d ? `#${d.board.number} ` : ''}${'as' in d ? d.as : ''}${'flashedAs' in d ? `as #${d.flashedAs}` : ''}`.trim();
      const board: StationBoard = { number: ++this.n, portPath: d.device.portPath, serial: d.device.serial, vendorId: d.device.vendorId, productId: d.device.productId, deviceAddress: d.device.deviceAddress, key: d.device.key, seenAt: now };
      this.book.take(board);
      taken.push(board);
      return `take #${board.number} ${board.portPath}`;
    });
    return { words, taken };
  }
}

describe('station port book', () => {
  test('an enumeration is taken once, however often it is listed', () => {
    const b = new Bench();
    const a = dev('1-1');
    const first = b.look([a]);
    assert.deepEqual(first.words, ['take #1 1-1']);
    assert.deepEqual(b.look([a]).words, []);
    b.book.started(first.taken[0]!);
    assert.deepEqual(b.look([a]).words, []);
    assert.deepEqual(b.look([a, dev('1-2', { serial: 'S2' })]).words, ['take #2 1-2']);
  });

  test('runtime devices and DFU devices the selection does not match are never taken', () => {
    const b = new Bench();
    assert.deepEqual(b.look([dev('1-1', { mode: 'runtime' }), dev('1-2', { pid: 0xdb42 })], 0, true, (d) => d.productId === 0xdf11).words, []);
  });

  test('one board per port: a second enumeration on a port with a board waiting is not taken', () => {
    const b = new Bench();
    const a = dev('1-1');
    b.look([a]);
    assert.deepEqual(b.look([a, dev('1-1', { serial: 'S9' })]).words, []);
  });

  test('a board gone before its turn is reported left; a board gone while flashing is its job\'s business', () => {
    const b = new Bench();
    const [first] = b.look([dev('1-1'), dev('1-2', { serial: 'S2' })]).taken;
    b.book.started(first!);
    assert.deepEqual(b.look([]).words, ['left #2']);
  });

  test('not now (count reached, stopping): the device is taken by a later listing once allowed', () => {
    const b = new Bench();
    const a = dev('1-1');
    assert.deepEqual(b.look([a], 0, false).words, []);
    assert.deepEqual(b.look([a], 0, true).words, ['take #1 1-1']);
  });

  const flashedAndLeft = (o: { again?: boolean; ok?: boolean; leaves?: boolean } = {}) => {
    const b = new Bench({ again: o.again });
    const a = dev('1-1', { serial: 'S1' });
    const [board] = b.look([a]).taken;
    b.book.started(board!);
    b.book.finished(board!, o.ok ?? true, o.leaves ?? true);
    return b;
  };

  test('after :leave, the first device on the port: runtime = back as the application; same serial in DFU mode within the window = back in the bootloader', () => {
    let b = flashedAndLeft();
    assert.deepEqual(b.look([], 1000).words, []);
    assert.deepEqual(b.look([dev('1-1', { mode: 'runtime', serial: 'APP' })], 1300).words, ['returned #1 application']);
    b = flashedAndLeft();
    assert.deepEqual(b.look([], 1000).words, []);
    assert.deepEqual(b.look([dev('1-1', { serial: 'S1' })], 6000).words, ['returned #1 bootloader']);
    b = flashedAndLeft();
    assert.deepEqual(b.look([dev('1-1', { serial: 'S1' })], 1000).words, ['returned #1 bootloader'], 'gone and back between two listings');
  });

  test('after :leave, same serial back after the window: plugged in again (skipped, or taken with again); another serial: a new board', () => {
    let b = flashedAndLeft();
    b.look([], 1000);
    assert.deepEqual(b.look([dev('1-1', { serial: 'S1' })], 6001).words, ['skipped as #1']);
    b = flashedAndLeft({ again: true });
    b.look([], 1000);
    assert.deepEqual(b.look([dev('1-1', { serial: 'S1' })], 6001).words, ['take #2 1-1']);
    b = flashedAndLeft();
    b.look([], 1000);
    assert.deepEqual(b.look([dev('1-1', { serial: 'S2' })], 1100).words, ['take #2 1-1']);
  });

  test('only the first device after the flash is its return: the next ones are arrivals', () => {
    const b = flashedAndLeft();
    assert.deepEqual(b.look([dev('1-1', { serial: 'S1' })], 100).words, ['returned #1 bootloader']);
    assert.deepEqual(b.look([], 200).words, []);
    assert.deepEqual(b.look([dev('1-1', { serial: 'S1' })], 300).words, ['skipped as #1'], 'plugged in again: already flashed');
  });

  test('still listed after the job (leave acknowledged, not gone yet): nothing happens until it is gone', () => {
    const b = new Bench();
    const a = dev('1-1');
    const [board] = b.look([a]).taken;
    b.book.started(board!);
    b.book.finished(board!, true, true);
    assert.deepEqual(b.look([a], 10).words, []);
    assert.deepEqual(b.look([dev('1-1')], 20).words, ['returned #1 bootloader']);
  });

  test('a board that stays in DFU mode (no leave): plugged in again = skipped without again, taken with it', () => {
    for (const again of [false, true]) {
      const b = flashedAndLeft({ again, leaves: false });
      assert.deepEqual(b.look([], 10).words, []);
      assert.deepEqual(b.look([dev('1-1', { serial: 'S1' })], 20).words, [again ? 'take #2 1-1' : 'skipped as #1']);
    }
  });

  test('a failed board is not retried while it stays; plugged in again it is a new arrival', () => {
    const b = new Bench();
    const a = dev('1-1');
    const [board] = b.look([a]).taken;
    b.book.started(board!);
    b.book.finished(board!, false, false);
    assert.deepEqual(b.look([a], 10).words, []);
    assert.deepEqual(b.look([], 20).words, []);
    assert.deepEqual(b.look([dev('1-1')], 30).words, ['take #2 1-1']);
  });

  test('serials that collide: the same serial on two ports is two boards', () => {
    const b = new Bench();
    assert.deepEqual(b.look([dev('1-1', { serial: 'FFFFFFFEFFFF' }), dev('1-2', { serial: 'FFFFFFFEFFFF' })]).words, ['take #1 1-1', 'take #2 1-2']);
  });

  test('records are per port: a port left empty is forgotten', () => {
    const b = new Bench();
    for (let i = 0; i < 50; i++) {
      const [board] = b.look([dev('1-1', { serial: `S${i}` })], i * 10).taken;
      b.book.started(board!);
      b.book.finished(board!, true, false);
      b.look([], i * 10 + 5);
    }
    assert.equal(b.book.size, 0);
    assert.equal(b.n, 50);
  });
});

test('flashed boards: remembered by port and serial, oldest forgotten past the limit', () => {
  const f = new FlashedBoards(3);
  for (let i = 1; i <= 5; i++) f.add('1-1', `S${i}`, i);
  assert.equal(f.size, 3);
  assert.deepEqual([1, 2, 3, 4, 5].map((i) => f.find('1-1', `S${i}`)), [undefined, undefined, 3, 4, 5]);
  assert.equal(f.find('1-2', 'S5'), undefined);
});
