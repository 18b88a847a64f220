/** Property tests for the option-value parsers. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseAlt, parseDeviceIds, parseInteger, parseSerials, parseTimeScale } from '../../src/cli/parse-values.js';
import { DfuFlashError } from '../../src/shared/errors.js';

const usageError = (fn: () => unknown): boolean => {
  try {
    fn();
    return false;
  } catch (e) {
    return e instanceof DfuFlashError && e.code === 'USAGE' && !e.message.includes('\n');
  }
};

describe('parseInteger', () => {
  test('decimal and 0x hex spellings of the same number agree', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.boolean(), (n, upper) => {
        const hex = '0x' + (upper ? n.toString(16).toUpperCase() : n.toString(16));
        const range = { min: 0, max: 0xffffffff };
        assert.equal(parseInteger('-Z', String(n), range), n);
        assert.equal(parseInteger('-Z', hex, range), n);
      }),
    );
  });
  test('leading zeros are refused', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99999 }), fc.integer({ min: 1, max: 3 }), (n, zeros) => {
        assert.ok(usageError(() => parseInteger('-t', '0'.repeat(zeros) + String(n), { min: 0, max: 1e9 })));
      }),
    );
  });
  test('anything else is a one-line USAGE error, never a crash', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        try {
          const v = parseInteger('-n', s, { min: 0, max: 255 });
          assert.ok(Number.isInteger(v) && v >= 0 && v <= 255);
        } catch (e) {
          assert.ok(e instanceof DfuFlashError && e.code === 'USAGE' && !e.message.includes('\n'));
        }
      }),
    );
  });
});

describe('parseDeviceIds', () => {
  const hex16 = fc.integer({ min: 0, max: 0xffff });
  test('vid:pid[,vid:pid] round trip', () => {
    fc.assert(
      fc.property(hex16, hex16, fc.option(fc.tuple(hex16, hex16), { nil: undefined }), (v, p, dfu) => {
        const pair = (a: number, b: number) => `${a.toString(16)}:${b.toString(16)}`;
        const text = pair(v, p) + (dfu === undefined ? '' : ',' + pair(dfu[0], dfu[1]));
        const ids = parseDeviceIds(text);
        assert.deepEqual(ids.runtimeIds, { vendorId: v, productId: p });
        assert.deepEqual(ids.dfuIds, dfu === undefined ? { vendorId: v, productId: p } : { vendorId: dfu[0], productId: dfu[1] });
      }),
    );
  });
  test('arbitrary strings: a result or a one-line USAGE error', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        try {
          parseDeviceIds(s);
        } catch (e) {
          assert.ok(e instanceof DfuFlashError && e.code === 'USAGE' && !e.message.includes('\n'), String(e));
        }
      }),
    );
  });
  test('the two modes get separate objects', () => {
    const ids = parseDeviceIds('0483:df11');
    assert.notEqual(ids.runtimeIds, ids.dfuIds);
  });
});

describe('other values', () => {
  test('-S splits at the first comma only', () => {
    assert.deepEqual(parseSerials('A,B,C'), { runtimeSerial: 'A', dfuSerial: 'B,C' });
  });
  test('-a keeps names exactly (spaces too)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }).filter((s) => s.trim() !== '' && !/^(0x[0-9a-f]+|[0-9]+)$/i.test(s)), (s) => {
        assert.equal(parseAlt(s), s);
      }),
    );
  });
  test('--sim-time-scale', () => {
    assert.equal(parseTimeScale('1'), 1);
    assert.equal(parseTimeScale('0.25'), 0.25);
    assert.equal(parseTimeScale('.5'), 0.5);
    assert.equal(parseTimeScale('1e-3'), 0.001);
    for (const bad of ['-1', 'NaN', 'Infinity', '', '1x', '0x10']) assert.ok(usageError(() => parseTimeScale(bad)), bad);
  });
});

describe('messages stay on one line', () => {
  test('control characters in a value are escaped in the message', () => {
    assert.throws(
      () => parseInteger('-t', '1\n2', { min: 0, max: 10 }),
      (e: unknown) => e instanceof DfuFlashError && e.message === 'invalid -t value "1\\n2": not a number',
    );
  });
  test('fuzz with any unicode', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        for (const parse of [() => parseInteger('-n', s, { min: 0, max: 255 }), () => parseDeviceIds(s), () => parseSerials(s), () => parseTimeScale(s)]) {
          try {
            parse();
          } catch (e) {
            assert.ok(e instanceof DfuFlashError && e.code === 'USAGE', String(e));
            assert.ok(!/[\n\r]/.test(e.message), JSON.stringify(e.message));
          }
        }
      }),
    );
  });
});
