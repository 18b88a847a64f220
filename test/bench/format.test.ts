import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBenchArgs } from '../../bench/args.js';
import { cpuPerTransfer } from '../../bench/figures/host-efficiency.js';
import { describePeaks, parsePeaks } from '../../bench/figures/memory.js';
import { describeProfile } from '../../bench/figures/startup.js';
import { changeRange, firmware } from '../../bench/firmware.js';
import { BEGIN_MARKER, END_MARKER, replaceMarkedSection } from '../../bench/readme.js';
import { median, medianBy } from '../../bench/stats.js';
import { formatMegabytes, formatNotes, formatRatio, formatSeconds, formatSpeedup, formatTable, verdict, type Row } from '../../bench/table.js';

describe('number formatting', () => {
  test('table', () => {
    const cases: [string, string][] = [
      [formatRatio(1.0344), '1.034'],
      [formatRatio(NaN), 'n/a'],
      [formatSeconds(152.4), '0.152 s'],
      [formatSeconds(8213), '8.21 s'],
      [formatSpeedup(12.44), '12.4×'],
      [formatMegabytes(71_234_567), '71.2 MB'],
      [verdict(true), 'met'],
      [verdict(false), 'NOT met'],
      [verdict(undefined), 'not measured'],
      [verdict('no goal'), '—'],
    ];
    for (const [got, want] of cases) assert.equal(got, want);
  });
});

describe('formatTable / formatNotes', () => {
  const rows: Row[] = [
    { figure: 'A', dfuFlash: '1.000 (1.00 s)', dfuUtil: '', goal: '≤ 1.06', met: true, notes: ['how A'] },
    { figure: 'B | pipe', dfuFlash: 'x', dfuUtil: 'y', goal: 'g', met: false, limits: ['why B'] },
  ];

  test('a Markdown table with aligned columns; an empty dfu-util cell shows a dash; pipes are escaped', () => {
    assert.equal(
      formatTable(rows),
      [
        '| figure    | dfu-flash      | dfu-util | goal   | result  |',
        '|-----------|----------------|----------|--------|---------|',
        '| A         | 1.000 (1.00 s) | —        | ≤ 1.06 | met     |',
        '| B \\| pipe | x              | y        | g      | NOT met |',
        '',
      ].join('\n'),
    );
  });

  test('limits only for goals not met, then the notes', () => {
    assert.equal(
      formatNotes(rows),
      ['What limits the goals not met:', '', '- **B | pipe**', '  - why B', '', 'How each figure was measured:', '', '- **A**', '  - how A', ''].join('\n'),
    );
  });
});

describe('replaceMarkedSection', () => {
  const doc = `# Title\n\n${BEGIN_MARKER}\nold\n${END_MARKER}\n\ntail\n`;

  test('replaces only the text between the markers, and twice gives the same result', () => {
    const once = replaceMarkedSection(doc, 'new table');
    assert.equal(once, `# Title\n\n${BEGIN_MARKER}\nnew table\n${END_MARKER}\n\ntail\n`);
    assert.equal(replaceMarkedSection(once, 'new table'), once);
  });

  test('missing or swapped markers are an error', () => {
    assert.throws(() => replaceMarkedSection('# nothing', 'x'), /needs the markers/);
    assert.throws(() => replaceMarkedSection(`${END_MARKER}\n${BEGIN_MARKER}`, 'x'), /needs the markers/);
  });
});

describe('parseBenchArgs', () => {
  test('defaults, --quick, --runs, --only', () => {
    assert.deepEqual(parseBenchArgs([]), {
      quick: false,
      writeReadme: false,
      runs: 3,
      startupRuns: 7,
      figures: ['efficiency', 'verify', 'incremental', 'parallel', 'startup', 'memory', 'browser'],
      help: false,
    });
    const q = parseBenchArgs(['--quick', '--write-readme', '--only', 'startup,memory']);
    assert.equal(q.runs, 1);
    assert.equal(q.writeReadme, true);
    assert.deepEqual(q.figures, ['startup', 'memory']);
    assert.equal(parseBenchArgs(['--runs', '5']).runs, 5);
  });

  test('bad input is refused with the usage', () => {
    assert.throws(() => parseBenchArgs(['--only', 'speed']), /unknown figure 'speed'/);
    assert.throws(() => parseBenchArgs(['--runs', '0']), /whole number/);
    assert.throws(() => parseBenchArgs(['--runs']), /needs a value/);
    assert.throws(() => parseBenchArgs(['--fast']), /unknown option '--fast'/);
  });
});

describe('describeProfile', () => {
  test('what the command adds over an empty module, largest first, the rest as "other"', () => {
    const text = describeProfile(
      [
        ['zod', 150],
        ['node internals', 60],
        ['src/cli', 20],
        ['commander', 10],
        ['src/ops', 4],
        ['usb', 3],
        ['garbage collector', 0.2],
      ],
      410,
      140,
      7,
      4,
    );
    assert.equal(
      text,
      "an empty ES module takes 0.140 s (process spawn, node's own boot, exit); against its CPU profile, the command's " +
        '(median of 7, sampled self time; profiled runs are slower) adds: zod +0.150 s, node internals +0.060 s, src/cli +0.020 s, ' +
        'commander +0.010 s, other +0.007 s — of the 0.410 s',
    );
  });
});

describe('helpers', () => {
  test('median and medianBy', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 2, 3]), 2.5);
    assert.ok(Number.isNaN(median([])));
    assert.deepEqual(medianBy([{ v: 3 }, { v: 1 }, { v: 2 }, { v: 9 }], (x) => x.v), { v: 2 });
  });

  test('firmware is deterministic and changeRange flips exactly the range', () => {
    assert.deepEqual(firmware(64, 5), firmware(64, 5));
    assert.notDeepEqual(firmware(64, 5), firmware(64, 6));
    const a = firmware(32, 1);
    const b = changeRange(a, 8, 4);
    for (let i = 0; i < 32; i++) assert.equal(b[i], i >= 8 && i < 12 ? a[i]! ^ 0xff : a[i], `byte ${i}`);
  });
});

describe('cpuPerTransfer', () => {
  test('(download CPU − list CPU) / (download transfers − list transfers), only with enough transfers to mean something', () => {
    assert.equal(cpuPerTransfer({ cpuMs: 1500, transfers: 1608 }, { cpuMs: 500, transfers: 8 }), 1000 / 1600);
    assert.equal(cpuPerTransfer({ cpuMs: 700, transfers: 186 }, { cpuMs: 500, transfers: 8 }), undefined);
  });
});

describe('memory peaks', () => {
  test('parsePeaks reads the sampler line among other stderr; describePeaks words it', () => {
    const stderr = 'download: done\ndfu-flash-bench-memory {"rss":96000000,"heapTotal":47000000,"heapUsed":26700000,"external":6600000,"arrayBuffers":4500000}\n';
    const peaks = parsePeaks(stderr)!;
    assert.equal(peaks.heapTotal, 47_000_000);
    assert.equal(describePeaks(peaks), 'V8 heap peaked at 47.0 MB (26.7 MB in use), memory outside the V8 heap (buffers) at 6.6 MB');
    assert.equal(parsePeaks('nothing here'), undefined);
  });
});
