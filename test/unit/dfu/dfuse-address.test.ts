import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatDfuseOptions, parseDfuseAddress } from '../../../src/dfu/dfuse-address.js';
import type { DfuseOptions } from '../../../src/dfu/plan-types.js';
import { DfuFlashError } from '../../../src/shared/errors.js';
import { cliHint } from '../../../src/cli/hints.js';

const NONE: DfuseOptions = {
  address: undefined,
  length: undefined,
  leave: false,
  massErase: false,
  unprotect: false,
  willReset: false,
  force: false,
};
const opts = (o: Partial<DfuseOptions>): DfuseOptions => ({ ...NONE, ...o });

const VALID: Array<[string, DfuseOptions, string]> = [
  // input, parsed, canonical form
  ['0x08000000', opts({ address: 0x08000000 }), '0x08000000'],
  ['0X0800C000', opts({ address: 0x0800c000 }), '0x0800c000'],
  ['0x8000000', opts({ address: 0x08000000 }), '0x08000000'],
  ['0x000000008000000', opts({ address: 0x08000000 }), '0x08000000'],
  ['134217728', opts({ address: 0x08000000 }), '0x08000000'],
  ['0', opts({ address: 0 }), '0x00000000'],
  ['0xffffffff', opts({ address: 0xffffffff }), '0xffffffff'],
  ['4294967295', opts({ address: 0xffffffff }), '0xffffffff'],
  ['0x08000000:leave', opts({ address: 0x08000000, leave: true }), '0x08000000:leave'],
  [':leave', opts({ leave: true }), ':leave'],
  [':mass-erase:force', opts({ massErase: true, force: true }), ':mass-erase:force'],
  [':force:mass-erase', opts({ massErase: true, force: true }), ':mass-erase:force'],
  [':unprotect:force', opts({ unprotect: true, force: true }), ':unprotect:force'],
  ['0x08000000:1024', opts({ address: 0x08000000, length: 1024 }), '0x08000000:1024'],
  ['0x08000000:0x4000', opts({ address: 0x08000000, length: 0x4000 }), '0x08000000:16384'],
  ['1250:296', opts({ address: 1250, length: 296 }), '0x000004e2:296'], // Particle DCT offsets
  ['0x08000000:leave:0x4000', opts({ address: 0x08000000, length: 0x4000, leave: true }), '0x08000000:16384:leave'],
  ['0xffff0000:0x10000', opts({ address: 0xffff0000, length: 0x10000 }), '0xffff0000:65536'],
  ['0:4294967296', opts({ address: 0, length: 2 ** 32 }), '0x00000000:4294967296'],
  ['0x08000000:will-reset', opts({ address: 0x08000000, willReset: true }), '0x08000000:will-reset'],
  [
    '0x08000000:force:will-reset:unprotect:mass-erase:leave:8',
    opts({ address: 0x08000000, length: 8, leave: true, massErase: true, unprotect: true, willReset: true, force: true }),
    '0x08000000:8:leave:mass-erase:unprotect:will-reset:force',
  ],
  ['0x08002000:leave', opts({ address: 0x08002000, leave: true }), '0x08002000:leave'], // Black Magic Probe
  ['0x08000000:mass-erase:force:leave', opts({ address: 0x08000000, massErase: true, force: true, leave: true }), '0x08000000:leave:mass-erase:force'],
];

describe('parseDfuseAddress: valid', () => {
  for (const [input, expected, canonical] of VALID) {
    test(JSON.stringify(input), () => {
      const parsed = parseDfuseAddress(input);
      assert.deepEqual(parsed, expected);
      assert.equal(formatDfuseOptions(parsed), canonical);
      assert.deepEqual(parseDfuseAddress(canonical), expected);
    });
  }
});

const GRAMMAR = 'the syntax is -s ADDR[:LEN][:leave][:mass-erase][:unprotect][:will-reset][:force]';

const INVALID: Array<[string, string, string]> = [
  // input, message after "bad -s value '<input>': ", the CLI's hint after the grammar (the library's is the same without '-s ')
  ['', 'the value is empty', 'e.g. -s 0x08000000:leave'],
  ['0x0800::leave', "empty field after '0x0800:'", 'e.g. -s 0x08000000:leave'],
  ['0x08000000:', "empty field after '0x08000000:'", 'e.g. -s 0x08000000:leave'],
  [':', "empty field after ':'", 'e.g. -s 0x08000000:leave'],
  ['::leave', "empty field after ':'", 'e.g. -s 0x08000000:leave'],
  ['0x08000000:l', "unknown modifier 'l' (abbreviations are not accepted; did you mean 'leave'?)", 'e.g. -s 0x08000000:leave'],
  ['0x08000000:mass', "unknown modifier 'mass' (abbreviations are not accepted; did you mean 'mass-erase'?)", 'e.g. -s 0x08000000:mass-erase'],
  [':f', "unknown modifier 'f' (abbreviations are not accepted; did you mean 'force'?)", 'e.g. -s 0x08000000:force'],
  [':LEAVE', "unknown modifier 'LEAVE' (modifiers are lower case; did you mean 'leave'?)", 'e.g. -s 0x08000000:leave'],
  [':masserase', "unknown modifier 'masserase' (abbreviations are not accepted; did you mean 'mass-erase'?)", 'e.g. -s 0x08000000:mass-erase'],
  [':bogus', "unknown modifier 'bogus'", 'e.g. -s 0x08000000:leave'],
  [':leave:leave', "'leave' is given twice", 'e.g. -s 0x08000000:leave'],
  ['leave', "the first field 'leave' must be the address", 'e.g. -s :leave (empty address) or -s 0x08000000:leave'],
  ['l:0x08000000', "the first field 'l' must be the address", 'e.g. -s :leave (empty address) or -s 0x08000000:leave'],
  ['010', "address '010' has a leading 0: dfu-util reads that as octal, so it is ambiguous", 'write it as decimal without the leading 0 or as 0x hex, e.g. -s 0x08000000'],
  ['0x08000000:0100', "length '0100' has a leading 0: dfu-util reads that as octal, so it is ambiguous", 'write it as decimal without the leading 0 or as 0x hex, e.g. -s 0x08000000:16384'],
  ['0x100000000', "address '0x100000000' is beyond the 32-bit address space (max 0xffffffff)", 'e.g. -s 0x08000000'],
  ['4294967296', "address '4294967296' is beyond the 32-bit address space (max 0xffffffff)", 'e.g. -s 0x08000000'],
  ['0x0000000100000000', "address '0x0000000100000000' is beyond the 32-bit address space (max 0xffffffff)", 'e.g. -s 0x08000000'],
  ['99999999999999999999', "address '99999999999999999999' is beyond the 32-bit address space (max 0xffffffff)", 'e.g. -s 0x08000000'],
  ['-1', "address '-1' is signed; only plain decimal or 0x hex numbers are allowed", 'e.g. -s 0x08000000'],
  ['+0x08000000', "address '+0x08000000' is signed; only plain decimal or 0x hex numbers are allowed", 'e.g. -s 0x08000000'],
  ['0x08000000:-5', "length '-5' is signed; only plain decimal or 0x hex numbers are allowed", 'e.g. -s 0x08000000:16384'],
  ['0x0800zz', "address '0x0800zz' is not a number (use decimal or 0x hex)", 'e.g. -s 0x08000000'],
  ['0x', "address '0x' is not a number (use decimal or 0x hex)", 'e.g. -s 0x08000000'],
  ['1e3', "address '1e3' is not a number (use decimal or 0x hex)", 'e.g. -s 0x08000000'],
  [' 0x08000000', "address ' 0x08000000' is not a number (use decimal or 0x hex)", 'e.g. -s 0x08000000'],
  ['0x08000000:12k', "length '12k' is not a number (use decimal or 0x hex)", 'e.g. -s 0x08000000:16384'],
  ['0x08000000:1024:2048', "two lengths ('1024' and '2048')", 'e.g. -s 0x08000000:0x4000'],
  ['0x08000000:0', "the length '0' is 0", 'e.g. -s 0x08000000:0x4000'],
  ['0x08000000:0x0', "the length '0x0' is 0", 'e.g. -s 0x08000000:0x4000'],
  [':1024', "the length '1024' needs an address before it", 'e.g. -s 0x08000000:1024'],
  ['0xffff0000:0x10001', "0xffff0000 + '0x10001' bytes runs past the end of the 32-bit address space", 'e.g. -s 0x08000000:0x4000'],
  ['0x08000000:4294967297', "length '4294967297' is beyond the 32-bit address space (max 4294967296)", 'e.g. -s 0x08000000:16384'],
];

describe('parseDfuseAddress: invalid', () => {
  for (const [input, problem, example] of INVALID) {
    test(JSON.stringify(input), () => {
      assert.throws(
        () => parseDfuseAddress(input),
        (e: unknown) => {
          assert.ok(e instanceof DfuFlashError);
          assert.equal(e.code, 'BAD_ADDRESS_SPEC');
          assert.equal(e.message, `bad -s value '${input}': ${problem}`);
          assert.equal(cliHint(e, 'linux'), `${GRAMMAR}; ${example}`);
          assert.equal(e.hint, `${GRAMMAR}; ${example}`.replaceAll('-s ', ''), 'the library names no flag');
          return true;
        },
      );
    });
  }

  const DESTRUCTIVE: Array<[string, string, string]> = [
    [
      ':mass-erase',
      'mass-erase',
      'mass-erase erases the whole flash of the device, not only the pages the image needs; add :force to confirm, e.g. -s 0x08000000:mass-erase:force',
    ],
    [
      '0x08000000:mass-erase:leave',
      'mass-erase',
      'mass-erase erases the whole flash of the device, not only the pages the image needs; add :force to confirm, e.g. -s 0x08000000:mass-erase:force',
    ],
    [
      ':unprotect',
      'unprotect',
      'unprotect removes read-out protection: the device erases its whole flash and resets; add :force to confirm, e.g. -s :unprotect:force',
    ],
  ];
  for (const [input, keyword, hint] of DESTRUCTIVE) {
    test(`${JSON.stringify(input)} needs :force`, () => {
      assert.throws(
        () => parseDfuseAddress(input),
        (e: unknown) => {
          assert.ok(e instanceof DfuFlashError);
          assert.equal(e.code, 'BAD_ADDRESS_SPEC');
          assert.equal(e.message, `bad -s value '${input}': '${keyword}' needs ':force'`);
          assert.equal(cliHint(e, 'linux'), hint);
          assert.equal(e.hint, hint.replaceAll('-s ', ''), 'the library names no flag');
          return true;
        },
      );
    });
  }
});

const validOptionsArb: fc.Arbitrary<DfuseOptions> = fc
  .record({
    address: fc.option(fc.integer({ min: 0, max: 0xffffffff }), { nil: undefined }),
    length: fc.option(fc.integer({ min: 1, max: 2 ** 32 }), { nil: undefined }),
    leave: fc.boolean(),
    massErase: fc.boolean(),
    unprotect: fc.boolean(),
    willReset: fc.boolean(),
    force: fc.boolean(),
  })
  .map((o) => ({
    ...o,
    length: o.address === undefined || o.length === undefined ? undefined : Math.min(o.length, 2 ** 32 - o.address) || undefined,
    force: o.force || o.massErase || o.unprotect,
  }))
  .filter((o) => o.address !== undefined || o.leave || o.massErase || o.unprotect || o.willReset || o.force);

describe('parseDfuseAddress: properties', () => {
  test('parse ∘ format is the identity on valid options', () => {
    fc.assert(
      fc.property(validOptionsArb, (o) => {
        assert.deepEqual(parseDfuseAddress(formatDfuseOptions(o)), o);
      }),
      { numRuns: 1000 },
    );
  });

  test('modifiers in any order give the same options', () => {
    const words = ['leave', 'mass-erase', 'unprotect', 'will-reset', 'force', '0x100'];
    fc.assert(
      fc.property(fc.shuffledSubarray(words, { minLength: 1 }), (picked) => {
        const ws = picked.includes('mass-erase') || picked.includes('unprotect') ? [...new Set([...picked, 'force'])] : picked;
        const o = parseDfuseAddress(`0x08000000:${ws.join(':')}`);
        assert.deepEqual(parseDfuseAddress(`0x08000000:${[...ws].reverse().join(':')}`), o);
        assert.deepEqual(o, {
          address: 0x08000000,
          length: ws.includes('0x100') ? 0x100 : undefined,
          leave: ws.includes('leave'),
          massErase: ws.includes('mass-erase'),
          unprotect: ws.includes('unprotect'),
          willReset: ws.includes('will-reset'),
          force: ws.includes('force'),
        });
      }),
      { numRuns: 200 },
    );
  });

  test('arbitrary strings: options or DfuFlashError BAD_ADDRESS_SPEC, nothing else', () => {
    const specish = fc
      .array(fc.constantFrom(':', '0x', '0', '8', 'f', 'leave', 'force', 'mass-erase', '-', '+', 'l', ' ', '1', '00'), { maxLength: 12 })
      .map((p) => p.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string(), specish), (s) => {
        try {
          const o = parseDfuseAddress(s);
          assert.deepEqual(parseDfuseAddress(formatDfuseOptions(o)), o);
        } catch (e) {
          assert.ok(e instanceof DfuFlashError, String(e));
          assert.equal(e.code, 'BAD_ADDRESS_SPEC');
          assert.ok(e.message.startsWith(`bad -s value '${s}': `));
        }
      }),
      { numRuns: 2000 },
    );
  });
});
