/**
 * What a long-running process holds, for tests that run something many times
 * and check that nothing piles up: resident memory, heap, and the libuv
 * resources keeping the event loop alive (`process.getActiveResourcesInfo()`:
 * 'Timeout', 'Immediate', 'TCPWrap', 'FSReqCallback', … counted by kind).
 *
 *   const before = resourceSnapshot();
 *   … 200 rounds …
 *   assert.deepEqual(resourceSnapshot().handles, before.handles);
 *
 * Memory is a measurement to report (t.diagnostic), not to assert exactly: the
 * GC runs when it likes.
 */
export interface ResourceSnapshot {
  rssBytes: number;
  heapUsedBytes: number;
  /** ArrayBuffers and Buffers (outside the heap; freed some time after the GC, on V8's own schedule). */
  arrayBuffersBytes: number;
  /** Active libuv resources by kind. */
  handles: Record<string, number>;
}

export function resourceSnapshot(): ResourceSnapshot {
  const handles: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) handles[kind] = (handles[kind] ?? 0) + 1;
  const memory = process.memoryUsage();
  return { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, arrayBuffersBytes: memory.arrayBuffers, handles: sortKeys(handles) };
}

function sortKeys(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

/** "rss +1.2 MB (60.1 MB), heap -0.3 MB, buffers +0.0 MB" between two snapshots, for a diagnostic line. */
export function memoryDelta(from: ResourceSnapshot, to: ResourceSnapshot): string {
  const mb = (n: number): string => `${n >= 0 ? '+' : ''}${(n / 1048576).toFixed(1)} MB`;
  return (
    `rss ${mb(to.rssBytes - from.rssBytes)} (${(to.rssBytes / 1048576).toFixed(1)} MB), heap ${mb(to.heapUsedBytes - from.heapUsedBytes)}, ` +
    `buffers ${mb(to.arrayBuffersBytes - from.arrayBuffersBytes)}`
  );
}
