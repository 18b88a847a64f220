/** The exit-code table covers every ErrorCode (also checked at compile time) with the sysexits numbers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXIT_CODES, exitCodeFor } from '../../src/cli/exit-codes.js';
import { DfuFlashError, type ErrorCode } from '../../src/shared/errors.js';

// Compile-time exhaustiveness in both directions: every ErrorCode has a row, every row is an ErrorCode.
const _everyCode: Record<ErrorCode, number> = EXIT_CODES;
const _onlyCodes: Record<keyof typeof EXIT_CODES, number> = {} as Record<ErrorCode, number>;
void _everyCode;
void _onlyCodes;

const EXPECTED: Record<ErrorCode, number> = {
  USAGE: 64,
  BAD_ADDRESS_SPEC: 64,
  FORMAT: 65,
  FILE_NOT_FOUND: 66,
  NO_DEVICE: 69,
  MULTIPLE_DEVICES: 69,
  RUNTIME_MODE: 69,
  INTERNAL: 70,
  FILE_EXISTS: 73,
  DEVICE_GONE: 74,
  TIMEOUT: 74,
  STALL: 74,
  USB_IO: 74,
  BUSY: 75,
  DFU_STATUS: 76,
  DFU_STATE: 76,
  UNSUPPORTED: 76,
  ACCESS: 77,
  DRIVER: 77,
  DOES_NOT_FIT: 78,
  NOT_WRITABLE: 78,
  LAYOUT: 78,
  IMAGE_MISMATCH: 78,
  VERIFY_MISMATCH: 79,
  NEEDS_PERMISSION: 77,
  ABORTED: 130,
};

test('table equals the documented mapping', () => {
  assert.deepEqual({ ...EXIT_CODES }, EXPECTED);
});

test('exitCodeFor maps each DfuFlashError code', () => {
  for (const [code, status] of Object.entries(EXPECTED)) {
    assert.equal(exitCodeFor(new DfuFlashError(code as ErrorCode, 'x')), status, code);
  }
});

test('anything unexpected is 70', () => {
  assert.equal(exitCodeFor(new Error('boom')), 70);
  assert.equal(exitCodeFor('a string'), 70);
  assert.equal(exitCodeFor(undefined), 70);
  assert.equal(exitCodeFor(new DfuFlashError('NOT_A_CODE' as ErrorCode, 'x')), 70);
});

test('statuses are sysexits-style (64..79), or 130 for an interruption, and never 0', () => {
  for (const status of Object.values(EXIT_CODES)) assert.ok((status >= 64 && status <= 79) || status === 130);
});
