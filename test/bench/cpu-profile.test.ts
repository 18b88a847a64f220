import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { added, breakdown, categorize, medianBreakdown, originOf, type CpuProfile, type SourceLookup } from '../../bench/cpu-profile.js';

describe('originOf', () => {
  test('table: packages, scoped packages, src folders, anything else', () => {
    const cases: [string, string][] = [
      ['../../node_modules/zod/v4/core/core.js', 'zod'],
      ['/work/main/node_modules/usb/dist/usb/index.js', 'usb'],
      ['/x/node_modules/@types/node/fs.d.ts', '@types/node'],
      ['../../src/cli/main.ts', 'src/cli'],
      ['/work/main/dist/src/transport/usb/transport.js', 'src/transport'],
      ['/work/main/bin/dfu-flash', 'bin/dfu-flash'],
    ];
    for (const [path, origin] of cases) assert.equal(originOf(path), origin, path);
  });
});

describe('categorize', () => {
  const lookup: SourceLookup = (url) => (url.endsWith('/dist/bundle/chunks/schemas-X.js') ? 'zod' : undefined);
  const frame = (url: string, functionName = 'f') => ({ url, functionName, lineNumber: 0, columnNumber: 0 });

  test('native frames by name, node internals by scheme, bundled code through the source map', () => {
    assert.equal(categorize(frame('', '(idle)'), lookup), 'idle (waiting for I/O or timers)');
    assert.equal(categorize(frame('', '(garbage collector)'), lookup), 'garbage collector');
    assert.equal(categorize(frame('', '(program)'), lookup), 'V8 / native (compiling, bootstrap)');
    assert.equal(categorize(frame('', 'openFileHandle'), lookup), 'native calls (file system, dlopen, …)');
    assert.equal(categorize(frame('node:internal/modules/esm/loader'), lookup), 'node internals (loading and compiling modules, streams, …)');
    assert.equal(categorize(frame('file:///w/dist/bundle/chunks/schemas-X.js'), lookup), 'zod');
    assert.equal(categorize(frame('file:///w/node_modules/commander/lib/command.js'), lookup), 'commander');
  });
});

describe('breakdown / medianBreakdown', () => {
  const profile = (deltas: number[]): CpuProfile => ({
    nodes: [
      { id: 1, callFrame: { functionName: '(idle)', url: '', lineNumber: -1, columnNumber: -1 } },
      { id: 2, callFrame: { functionName: 'parse', url: 'file:///w/node_modules/zod/index.js', lineNumber: 3, columnNumber: 1 } },
    ],
    samples: [1, 2, 2],
    timeDeltas: deltas,
  });

  test('self time in ms per category (timeDeltas are µs)', () => {
    assert.deepEqual([...breakdown(profile([1000, 2000, 3000]), () => undefined)], [
      ['idle (waiting for I/O or timers)', 1],
      ['zod', 5],
    ]);
  });

  test('medians per category over runs, largest first; a category missing from a run counts 0', () => {
    const runs = [
      new Map([
        ['zod', 5],
        ['idle', 1],
      ]),
      new Map([['zod', 7]]),
      new Map([
        ['zod', 6],
        ['idle', 3],
      ]),
    ];
    assert.deepEqual(medianBreakdown(runs), [
      ['zod', 6],
      ['idle', 1],
    ]);
  });
});

describe('added', () => {
  test('only what the profile spends beyond the baseline, largest first', () => {
    assert.deepEqual(
      added(
        [
          ['node internals', 200],
          ['zod', 20],
          ['idle', 5],
        ],
        [
          ['node internals', 80],
          ['idle', 9],
        ],
      ),
      [
        ['node internals', 120],
        ['zod', 20],
      ],
    );
  });
});
