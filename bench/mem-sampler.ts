/**
 * Preloaded into a node process by the memory figure (`node --import
 * dist/bench/mem-sampler.js …`): samples process.memoryUsage() every 20 ms and
 * prints the peaks as one line on stderr at exit:
 *   dfu-flash-bench-memory {"rss":…,"heapTotal":…,"heapUsed":…,"external":…,"arrayBuffers":…}
 * (bytes), so a peak RSS can be split into V8 heap, buffers and the rest.
 */
const peaks = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };

function sample(): void {
  const m = process.memoryUsage();
  for (const key of Object.keys(peaks) as (keyof typeof peaks)[]) peaks[key] = Math.max(peaks[key], m[key]);
}

setInterval(sample, 20).unref();
process.on('exit', () => {
  sample();
  process.stderr.write(`dfu-flash-bench-memory ${JSON.stringify(peaks)}\n`);
});

export {};
