/** The page's configuration (src/web/page/config.ts): what a server or builder writes, and what the page makes of it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configJson, DEFAULT_CONFIG, parsePageConfig, type PageConfig } from '../../../src/web/page/config.js';

test('a configuration survives the trip through index.html; `</script>` in a title cannot end the element', () => {
  const config: PageConfig = {
    mode: 'site',
    title: 'Update </script><script>alert(1)</script>',
    devices: [{ vendorId: 0x0483, productId: 0xdf11 }],
    device: '0483:5740,0483:df11',
    firmware: [{ url: 'firmware/app.bin?v=1', name: 'app.bin', size: 4, sha256: 'ab', address: 0x08000000 }],
    options: { verify: false, leave: true, skipUnchanged: true },
  };
  const json = configJson(config);
  assert.ok(!json.includes('<'), json);
  assert.deepEqual(parsePageConfig(json), config);
});

test('nothing, or an empty element, is the plain page; unknown or wrong fields fall back to the defaults', () => {
  assert.deepEqual(parsePageConfig(undefined), DEFAULT_CONFIG);
  assert.deepEqual(parsePageConfig('{}'), DEFAULT_CONFIG);
  assert.deepEqual(parsePageConfig('{"mode":"other","devices":[{"x":1}],"firmware":[{"url":1}],"options":{"verify":"yes"}}'), DEFAULT_CONFIG);
  assert.throws(() => parsePageConfig('[1]'), /not a JSON object/);
});
