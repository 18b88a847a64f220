/**
 * `web build`'s writer (src/web-host/build-site.ts): the site's files and
 * nothing else, never half-written: an existing folder is refused without
 * --force and replaced whole with it; a failure while writing leaves neither
 * a partial folder nor the staging folder behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDfuFlashError } from '../../src/shared/errors.js';
import { writeSite } from '../../src/web-host/build-site.js';
import type { SiteFiles } from '../../src/web-host/site.js';

const enc = (s: string) => new TextEncoder().encode(s);
const files = (): SiteFiles =>
  new Map([
    ['/index.html', { body: enc('<!doctype html>'), type: 'text/html' }],
    ['/flasher.js', { body: enc('js'), type: 'text/javascript' }],
    ['/firmware/app.bin', { body: Uint8Array.of(1, 2, 3), type: 'application/octet-stream' }],
  ]);

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'dfu-flash-site-'));
}

function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name).slice(dir.length + 1))
    .sort();
}

test('writes exactly the site files into a new folder', async () => {
  const root = scratch();
  try {
    const out = join(root, 'site');
    assert.deepEqual(await writeSite(files(), out, false), ['firmware/app.bin', 'flasher.js', 'index.html']);
    assert.deepEqual(tree(out), ['firmware/app.bin', 'flasher.js', 'index.html']);
    assert.deepEqual([...readFileSync(join(out, 'firmware/app.bin'))], [1, 2, 3]);
    assert.deepEqual(readdirSync(root), ['site'], 'no staging folder left');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('an existing folder: FILE_EXISTS without --force (untouched); with it, replaced whole (old files gone)', async () => {
  const root = scratch();
  try {
    const out = join(root, 'site');
    mkdirSync(out);
    writeFileSync(join(out, 'old.txt'), 'old');
    await assert.rejects(writeSite(files(), out, false), (e: unknown) => isDfuFlashError(e, 'FILE_EXISTS') && /--force/.test(e.hint ?? ''));
    assert.deepEqual(tree(out), ['old.txt']);
    await writeSite(files(), out, true);
    assert.deepEqual(tree(out), ['firmware/app.bin', 'flasher.js', 'index.html']);
    assert.deepEqual(readdirSync(root), ['site']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a failure while writing leaves no folder and no staging folder; an existing one stays as it was', async () => {
  const root = scratch();
  try {
    const bad = files();
    // a file and a folder of the same name: the second write fails half-way through the site
    bad.set('/index.html/x', { body: enc('x'), type: 'text/plain' });
    const out = join(root, 'site');
    await assert.rejects(writeSite(bad, out, false), (e: unknown) => isDfuFlashError(e, 'FILE_NOT_FOUND'));
    assert.deepEqual(readdirSync(root), []);
    mkdirSync(out);
    writeFileSync(join(out, 'old.txt'), 'old');
    await assert.rejects(writeSite(bad, out, true));
    assert.deepEqual(readdirSync(root), ['site']);
    assert.deepEqual(tree(out), ['old.txt']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a missing parent folder is said before anything is written', async () => {
  const root = scratch();
  try {
    await assert.rejects(writeSite(files(), join(root, 'no/such/site'), false), (e: unknown) => isDfuFlashError(e, 'FILE_NOT_FOUND') && /does not exist/.test(e.message));
    assert.deepEqual(readdirSync(root), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
