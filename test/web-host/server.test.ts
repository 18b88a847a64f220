/**
 * The flasher's server (src/web-host/server.ts) over the real site table:
 * it answers with the page's files and the firmware named, and nothing else
 * whatever the request line says; a Host other than 127.0.0.1 or localhost
 * on its port is refused (DNS rebinding); only GET and HEAD; a firmware file
 * rebuilt while it runs is served as it is now.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPageAssets } from '../../src/web-host/assets.js';
import { allowedHost, serveSite, type FlasherServer } from '../../src/web-host/server.js';
import { siteFiles } from '../../src/web-host/site.js';
import { get } from './raw-http.js';

describe('the flasher server', () => {
  let dir: string;
  let server: FlasherServer;
  let port: number;
  const firmware = Buffer.from('firmware bytes v1');

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dfu-flash-web-'));
    writeFileSync(join(dir, 'app.bin'), firmware);
    writeFileSync(join(dir, 'secret.txt'), 'not to be served');
    const assets = await loadPageAssets();
    const spec = { mode: 'serve' as const, devices: [], firmware: [{ file: join(dir, 'app.bin'), address: 0x08000000 }], options: { verify: true, leave: false, skipUnchanged: false } };
    server = await serveSite({ port: 0, files: () => siteFiles(spec, assets) });
    port = server.port;
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('serves on 127.0.0.1: the page with its configuration, its script, style, dfu-flash/web and the firmware', async () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await get(port, '/');
    assert.equal(page.status, 200);
    assert.match(page.headers['content-type'] ?? '', /^text\/html/);
    const html = page.body.toString('utf8');
    const config = JSON.parse(/<script type="application\/json" id="dfu-flash-config">([^<]*)<\/script>/.exec(html)![1]!) as { firmware: { url: string; sha256: string; size: number; address: number }[] };
    const sha = createHash('sha256').update(firmware).digest('hex');
    assert.deepEqual(config.firmware, [{ url: `firmware/app.bin?v=${sha.slice(0, 12)}`, name: 'app.bin', size: firmware.length, sha256: sha, address: 0x08000000 }]);
    for (const [path, type] of [
      ['/flasher.js', /^text\/javascript/],
      ['/flasher.css', /^text\/css/],
      ['/dfu-flash.js', /^text\/javascript/],
      [`/${config.firmware[0]!.url}`, /^application\/octet-stream/],
    ] as const) {
      const r = await get(port, path);
      assert.equal(r.status, 200, path);
      assert.match(r.headers['content-type'] ?? '', type, path);
      assert.equal(r.headers['cache-control'], 'no-store');
      assert.equal(r.headers['x-content-type-options'], 'nosniff');
      assert.match(r.headers['content-security-policy'] ?? '', /default-src 'none'; script-src 'self'/);
    }
    assert.deepEqual((await get(port, '/firmware/app.bin')).body, firmware);
  });

  test('a path outside its files gets 404, however it is written', async () => {
    const targets = [
      '/secret.txt',
      '/firmware/secret.txt',
      '/firmware/../secret.txt',
      '/../secret.txt',
      '/..%2fsecret.txt',
      '/firmware/..%2f..%2fsecret.txt',
      '/%2e%2e/%2e%2e/etc/passwd',
      '//etc/passwd',
      '/etc/passwd',
      `/${dir}/secret.txt`,
      '/firmware/app.bin/',
      '/FLASHER.JS',
      '/index.html%00.js',
      '/dist/web/page/index.html',
      '/package.json',
    ];
    for (const t of targets) {
      const r = await get(port, t);
      assert.equal(r.status, 404, t);
      assert.ok(!r.body.toString().includes('not to be served'), t);
    }
    // not a path at all: the absolute form and the asterisk
    assert.equal((await get(port, `http://127.0.0.1:${port}/secret.txt`)).status, 404);
    assert.equal((await get(port, '*', `127.0.0.1:${port}`, 'OPTIONS')).status, 405);
  });

  test('a Host other than 127.0.0.1 or localhost on its port is refused (403): DNS rebinding', async () => {
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1.nip.io:${port}`, `localhost:${port + 1}`, '127.0.0.1', `[::1]:${port}`, `0.0.0.0:${port}`, `127.0.0.2:${port}`]) {
      const r = await get(port, '/', host);
      assert.equal(r.status, 403, host);
      assert.ok(!r.body.toString().includes('<html'), host);
    }
    // no Host at all: node's HTTP/1.1 parser answers 400 before the server sees the request
    assert.equal((await get(port, '/', null)).status, 400, 'no Host at all');
    assert.equal((await get(port, '/', `localhost:${port}`)).status, 200);
    assert.equal((await get(port, '/', `LOCALHOST:${port}`)).status, 200);
  });

  test('GET and HEAD only', async () => {
    const head = await get(port, '/', `127.0.0.1:${port}`, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    for (const m of ['POST', 'PUT', 'DELETE']) {
      const r = await get(port, '/firmware/app.bin', `127.0.0.1:${port}`, m);
      assert.equal(r.status, 405, m);
      assert.equal(r.headers['allow'], 'GET, HEAD');
    }
  });

  test('the firmware is read again at every page load: a rebuilt file is served as it is now, its checksum with it', async () => {
    const v2 = Buffer.from('firmware bytes, version 2');
    writeFileSync(join(dir, 'app.bin'), v2);
    const html = (await get(port, '/')).body.toString('utf8');
    assert.ok(html.includes(createHash('sha256').update(v2).digest('hex')));
    assert.deepEqual((await get(port, '/firmware/app.bin')).body, v2);
  });

  test('allowedHost: exactly the two names on the port (port 80 also without it)', () => {
    assert.equal(allowedHost('127.0.0.1:8765', 8765), true);
    assert.equal(allowedHost('localhost:8765', 8765), true);
    assert.equal(allowedHost('localhost', 80), true);
    assert.equal(allowedHost('localhost', 8765), false);
    assert.equal(allowedHost('localhost.:8765', 8765), false);
    assert.equal(allowedHost(undefined, 8765), false);
  });

  test('a taken port is BUSY, with the way out', async () => {
    await assert.rejects(serveSite({ port, files: async () => new Map() }), (e: unknown) => (e as { code?: string }).code === 'BUSY' && /--port/.test((e as { hint?: string }).hint ?? ''));
  });
});
