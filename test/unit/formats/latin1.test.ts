/** Names in files (S0 headers, DfuSe target names) are read one character per byte, the same in Node and in browsers. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { latin1 } from '../../../src/formats/latin1.js';
import { ascii } from './helpers.js';

/**
 * TextDecoder as browsers implement the Encoding Standard: the label 'latin1'
 * is windows-1252, so 0x80 reads as '€' and 0x99 as '™' (Node 20 reads them as
 * U+0080 and U+0099). Installed while the parsers load, so a parser that
 * decoded names with TextDecoder('latin1') would read them as a browser does.
 */
class BrowserTextDecoder extends TextDecoder {
  override decode(...args: Parameters<InstanceType<typeof TextDecoder>["decode"]>): string {
    const s = super.decode(...args);
    return this.encoding === 'windows-1252' ? s.replace(/\u0080/g, '\u20ac').replace(/\u0099/g, '\u2122') : s;
  }
}

async function loadParsersAsInABrowser() {
  const original = globalThis.TextDecoder;
  globalThis.TextDecoder = BrowserTextDecoder;
  try {
    // ?browser: fresh module instances, evaluated while the browser-like decoder is installed
    const srec = (await import('../../../src/formats/srec.js?browser' as string)) as typeof import('../../../src/formats/srec.js');
    const dfuse = (await import('../../../src/formats/dfuse-file.js?browser' as string)) as typeof import('../../../src/formats/dfuse-file.js');
    return { ...srec, ...dfuse };
  } finally {
    globalThis.TextDecoder = original;
  }
}

const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);

describe('latin1', () => {
  test('every byte becomes the character with that code (0x80 is U+0080, not windows-1252 "€")', () => {
    const s = latin1(ALL_BYTES);
    assert.equal(s.length, 256);
    assert.deepEqual(Array.from(s, (c) => c.charCodeAt(0)), [...ALL_BYTES]);
  });

  test('longer than one String.fromCharCode chunk', () => {
    const big = Uint8Array.from({ length: 20_000 }, (_, i) => (i * 31) & 0xff);
    assert.deepEqual(Array.from(latin1(big), (c) => c.charCodeAt(0)), [...big]);
  });

  test('an S0 header with bytes 0x80-0x9f reads back as those bytes and is written back unchanged', async () => {
    const { parseSrec, toSrec } = await loadParsersAsInABrowser();
    const headerBytes = [0x80, 0x9f, 0xe9, 0x41];
    const image = { format: 'srec', addressed: true, segments: [{ address: 0x1000, data: Uint8Array.of(1, 2) }], startAddress: 0x1000 };
    const text = toSrec(image, { header: String.fromCharCode(...headerBytes) });
    const back = parseSrec(ascii(text));
    assert.deepEqual(Array.from(back.header ?? '', (c) => c.charCodeAt(0)), headerBytes);
    assert.equal(toSrec(back), text);
  });

  test('a DfuSe target name with bytes 0x80-0x9f survives parse and rebuild byte for byte', async () => {
    const { buildDfuseFile, parseDfuseFile } = await loadParsersAsInABrowser();
    const file = buildDfuseFile([{ alternateSetting: 0, name: '\u0080\u0099 flash', segments: [{ address: 0x08000000, data: Uint8Array.of(1) }] }]);
    const image = parseDfuseFile(file);
    assert.equal(image.targets?.[0]?.name, '\u0080\u0099 flash');
    assert.deepEqual(buildDfuseFile(image.targets!), file);
  });
});
