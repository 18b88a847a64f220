/**
 * The DfuSe `-s ADDR[:LEN][:leave][:mass-erase][:unprotect][:will-reset][:force]` option.
 *
 * Stricter than dfu-util on purpose:
 * - keywords must be spelled out (dfu-util accepts any prefix such as `l`, then
 *   mis-parses the rest), each at most once;
 * - numbers are decimal or 0x hex; a leading 0 (`010`) is refused as ambiguous
 *   (dfu-util reads it as octal);
 * - `mass-erase` and `unprotect` need `force`;
 * - a length needs an address;
 * - empty fields (`0x0800::leave`, a trailing ':') are errors.
 * Everything is checked here, before any USB transfer.
 */
import { DfuFlashError, hex32 } from '../shared/errors.js';
import type { DfuseOptions } from './plan-types.js';

export const DFUSE_ADDRESS_GRAMMAR = 'ADDR[:LEN][:leave][:mass-erase][:unprotect][:will-reset][:force]';

type Flag = 'leave' | 'massErase' | 'unprotect' | 'willReset' | 'force';

/** Keywords in canonical order. */
const KEYWORDS: ReadonlyArray<readonly [string, Flag]> = [
  ['leave', 'leave'],
  ['mass-erase', 'massErase'],
  ['unprotect', 'unprotect'],
  ['will-reset', 'willReset'],
  ['force', 'force'],
];

const ADDRESS_SPACE_END = 0x1_0000_0000;

const DESTRUCTIVE: Partial<Record<Flag, { keyword: string; effect: string; example: string }>> = {
  massErase: {
    keyword: 'mass-erase',
    effect: 'mass-erase erases the whole flash of the device, not only the pages the image needs',
    example: '0x08000000:mass-erase:force',
  },
  unprotect: {
    keyword: 'unprotect',
    effect: 'unprotect removes read-out protection: the device erases its whole flash and resets',
    example: ':unprotect:force',
  },
};

/** Parse a `-s` value; throws DfuFlashError('BAD_ADDRESS_SPEC') quoting the bad part. */
export function parseDfuseAddress(s: string): DfuseOptions {
  const options: DfuseOptions = {
    address: undefined,
    length: undefined,
    leave: false,
    massErase: false,
    unprotect: false,
    willReset: false,
    force: false,
  };
  if (s === '') throw bad(s, 'the value is empty', ['0x08000000:leave']);
  const [addressText, ...fields] = s.split(':') as [string, ...string[]];
  if (addressText !== '') options.address = parseAddress(s, addressText);
  let lengthText: string | undefined;
  fields.forEach((field, i) => {
    if (field === '') {
      const before = [addressText, ...fields.slice(0, i)].join(':');
      throw bad(s, `empty field after '${before}:'`, ['0x08000000:leave']);
    }
    if (/^[-+0-9]/.test(field)) {
      if (lengthText !== undefined) {
        throw bad(s, `two lengths ('${lengthText}' and '${field}')`, ['0x08000000:0x4000']);
      }
      lengthText = field;
      options.length = parseNumber(s, field, 'length');
      return;
    }
    const keyword = KEYWORDS.find(([k]) => k === field);
    if (keyword === undefined) throw unknownKeyword(s, field);
    const flag = keyword[1];
    if (options[flag]) throw bad(s, `'${field}' is given twice`, ['0x08000000:leave']);
    options[flag] = true;
  });
  if (lengthText !== undefined) checkLength(s, options, lengthText);
  for (const flag of ['massErase', 'unprotect'] as const) {
    const d = DESTRUCTIVE[flag];
    if (options[flag] && !options.force && d !== undefined) {
      const details = { reason: 'dfuse-needs-force', spec: s, problem: `'${d.keyword}' needs ':force'`, part: d.keyword, effect: d.effect, examples: [d.example] };
      throw new DfuFlashError('BAD_ADDRESS_SPEC', `bad -s value '${s}': ${details.problem}`, { hint: dfuseAddressHint(details), details });
    }
  }
  return options;
}

/** The canonical `-s` spelling of options: hex32 address, decimal length, keywords in grammar order. */
export function formatDfuseOptions(o: DfuseOptions): string {
  const parts = [o.address === undefined ? '' : hex32(o.address)];
  if (o.length !== undefined) parts.push(String(o.length));
  for (const [keyword, flag] of KEYWORDS) if (o[flag]) parts.push(keyword);
  return parts.join(':');
}

function parseAddress(spec: string, text: string): number {
  const keyword = KEYWORDS.find(([k]) => k.startsWith(text.toLowerCase()))?.[0];
  if (keyword !== undefined) {
    throw bad(spec, `the first field '${text}' must be the address`, [`:${keyword} (empty address)`, `0x08000000:${keyword}`]);
  }
  return parseNumber(spec, text, 'address');
}

function checkLength(spec: string, o: DfuseOptions, text: string): void {
  if (o.address === undefined) {
    throw bad(spec, `the length '${text}' needs an address before it`, [`0x08000000:${text}`]);
  }
  if (o.length === 0) throw bad(spec, `the length '${text}' is 0`, ['0x08000000:0x4000']);
  if (o.length !== undefined && o.address + o.length > ADDRESS_SPACE_END) {
    throw bad(
      spec,
      `${hex32(o.address)} + '${text}' bytes runs past the end of the 32-bit address space`,
      ['0x08000000:0x4000'],
    );
  }
}

/** Decimal without leading zeros, or 0x hex; an address is at most 0xffffffff, a length at most 2^32. */
function parseNumber(spec: string, text: string, what: 'address' | 'length'): number {
  const example = [what === 'address' ? '0x08000000' : '0x08000000:16384'];
  let value: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) {
    const digits = text.slice(2).replace(/^0+(?=.)/, '');
    value = digits.length > 9 ? Infinity : parseInt(digits, 16);
  } else if (/^(0|[1-9][0-9]*)$/.test(text)) {
    value = text.length > 10 ? Infinity : Number(text);
  } else if (/^0[0-9]+$/.test(text)) {
    throw bad(
      spec,
      `${what} '${text}' has a leading 0: dfu-util reads that as octal, so it is ambiguous`,
      example,
      'write it as decimal without the leading 0 or as 0x hex',
    );
  } else if (/^[-+]/.test(text)) {
    throw bad(spec, `${what} '${text}' is signed; only plain decimal or 0x hex numbers are allowed`, example);
  } else {
    throw bad(spec, `${what} '${text}' is not a number (use decimal or 0x hex)`, example);
  }
  const max = what === 'address' ? ADDRESS_SPACE_END - 1 : ADDRESS_SPACE_END;
  if (value > max) {
    const maxText = what === 'address' ? hex32(max) : String(max);
    throw bad(spec, `${what} '${text}' is beyond the 32-bit address space (max ${maxText})`, example);
  }
  return value;
}

function unknownKeyword(spec: string, field: string): DfuFlashError {
  const lower = field.toLowerCase();
  const guess = KEYWORDS.find(([k]) => k === lower || k.startsWith(lower) || k.replace('-', '') === lower);
  const problem =
    guess !== undefined && guess[0] !== lower
      ? `unknown modifier '${field}' (abbreviations are not accepted; did you mean '${guess[0]}'?)`
      : guess !== undefined
        ? `unknown modifier '${field}' (modifiers are lower case; did you mean '${guess[0]}'?)`
        : `unknown modifier '${field}'`;
  return bad(spec, problem, [`0x08000000:${guess?.[0] ?? 'leave'}`]);
}

/** The facts of a BAD_ADDRESS_SPEC error from which its hint is worded. */
export interface DfuseAddressHintFacts {
  /** 'bad-dfuse-address' (the syntax) or 'dfuse-needs-force' (a destructive modifier without :force). */
  reason: string;
  /** Values that would be accepted, in the grammar (without any option name in front). */
  examples: readonly string[];
  /** How to write the bad part instead, when there is more to say than the examples. */
  advice?: string | undefined;
  /** What the destructive modifier does ('dfuse-needs-force'). */
  effect?: string | undefined;
}

/**
 * The hint for a bad DfuSe address string; `flag` goes in front of the grammar
 * and each example (the CLI passes '-s ', where the string is typed).
 */
export function dfuseAddressHint(facts: DfuseAddressHintFacts, flag = ''): string {
  const examples = facts.examples.map((x) => flag + x).join(' or ');
  if (facts.reason === 'dfuse-needs-force') return `${facts.effect ?? 'it cannot be undone'}; add :force to confirm, e.g. ${examples}`;
  return `the syntax is ${flag}${DFUSE_ADDRESS_GRAMMAR}; ${facts.advice === undefined ? '' : `${facts.advice}, `}e.g. ${examples}`;
}

function bad(spec: string, problem: string, examples: string[], advice?: string): DfuFlashError {
  const details = { reason: 'bad-dfuse-address', spec, problem, examples, ...(advice === undefined ? {} : { advice }) };
  return new DfuFlashError('BAD_ADDRESS_SPEC', `bad -s value '${spec}': ${problem}`, { hint: dfuseAddressHint(details), details });
}
