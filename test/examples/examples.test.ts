/** The runnable examples in examples/ do what their comments say, against simulated devices (as a reader would run them). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));

function example(name: string): { stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [`examples/${name}`], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return { stdout: r.stdout, stderr: r.stderr };
}

test('list.mjs lists the two simulated boards with their alt settings and regions', () => {
  const { stdout } = example('list.mjs');
  assert.match(stdout, /^0483:df11 at 1-1, dfu mode, serial 315A28A0B956$/m);
  assert.match(stdout, /^ {2}alt 0 "@Internal Flash {2}\/0x08000000\/04\*016Kg,01\*064Kg,07\*128Kg" 0x8000000\+65536 0x8010000\+65536 0x8020000\+917504$/m);
  assert.match(stdout, /^1209:db42 at 1-2, dfu mode/m);
});

test('download.mjs draws its own bar per phase and ends verified, the device gone to its application', () => {
  const { stdout, stderr } = example('download.mjs');
  const result = JSON.parse(stdout) as { bytes: number; verified: boolean; end: string; phases: { phase: string }[] };
  assert.deepEqual([result.bytes, result.verified, result.end, result.phases.map((p) => p.phase)], [65536, true, 'left-bus', ['erase', 'download', 'verify', 'leave']]);
  for (const phase of ['erase', 'download', 'verify']) assert.match(stderr, new RegExp(`${phase} +\\[#{30}\\] 65536/65536 done in`));
});

test('upload.mjs reads back what it wrote', () => {
  assert.match(example('upload.mjs').stdout, /^read 4096 bytes: hello from the simulated flash\n$/);
});

test('abort.mjs stops half way with ABORTED, and the next download succeeds', () => {
  const { stdout } = example('abort.mjs');
  assert.match(stdout, /^aborted: the operation was aborted during the download at 0x0800[0-9a-f]{4}\nsecond download: 65536 bytes, verified true\n$/);
});

test('station.mjs flashes each of three boards plugged in while it runs, once, and ends on its count', () => {
  const { stdout } = example('station.mjs');
  // boards flash at the same time: each line comes when its board is done, in an order the scheduler picks
  const lines = stdout.split('\n');
  const boards = lines.filter((l) => l.startsWith('#')).sort((a, b) => Number(/^#(\d+)/.exec(a)![1]) - Number(/^#(\d+)/.exec(b)![1]));
  assert.match(
    [...boards, ...lines.filter((l) => !l.startsWith('#'))].join('\n'),
    /^#1 1-1 315A28A0B956: ok, 32768 bytes, verified true\n#2 1-2 [0-9A-F]{12}: ok, 32768 bytes, verified true\n#3 1-3 [0-9A-F]{12}: ok, 32768 bytes, verified true\n3 boards: 3 ok, 0 failed \(count\)\n$/,
  );
});

test("the README's \"Use it from Node\" example runs as it is written", async () => {
  const { readFile, writeFile, rm } = await import('node:fs/promises');
  const readme = await readFile(`${REPO}README.md`, 'utf8');
  const section = readme.slice(readme.indexOf('## Use it from Node'));
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(code !== undefined, 'the section has a js code block');
  // inside the repository, so that 'dfu-flash' resolves to this package (self-reference)
  const file = `${REPO}dist/readme-example.mjs`; // git ignores dist/
  await writeFile(file, code);
  try {
    const r = spawnSync(process.execPath, [file], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^1-1 dfu 315A28A0B956 /m);
    assert.match(r.stdout, /65536 bytes, verified: true, end: left-bus/);
    assert.match(r.stdout, /read 1024 bytes back from dapboot/);
  } finally {
    await rm(file, { force: true });
  }
});
