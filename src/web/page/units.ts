/** Sizes, rates and durations as the page shows them. */

/** 102400 → "100 KiB", 20000 → "19.5 KiB", 512 → "512 B", 2097152 → "2 MiB", 1500000 → "1.43 MiB". */
export function formatBytes(n: number): string {
  const MIB = 1024 * 1024;
  if (n < 1024) return `${n} B`;
  if (n < MIB) return n % 1024 === 0 ? `${n / 1024} KiB` : `${(n / 1024).toFixed(1)} KiB`;
  return n % MIB === 0 ? `${n / MIB} MiB` : `${(n / MIB).toFixed(2)} MiB`;
}

/** Bytes per second: "48.3 KiB/s". */
export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(Math.round(bytesPerSecond))}/s`;
}

/** 1234 → "1.2 s", 65000 → "65 s". */
export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return s < 10 ? `${s.toFixed(1)} s` : `${Math.round(s)} s`;
}

/** 0x08000000 → "0x08000000". */
export function hexAddress(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

/** "0x08000000", "134217728", "0X0800_0000" → a number; undefined for anything else (or out of 32 bits). */
export function parseAddress(text: string): number | undefined {
  const t = text.trim().replace(/_/g, '');
  if (t === '') return undefined;
  const n = /^0x[0-9a-f]+$/i.test(t) ? parseInt(t.slice(2), 16) : /^[0-9]+$/.test(t) ? parseInt(t, 10) : NaN;
  return Number.isSafeInteger(n) && n >= 0 && n <= 0xffffffff ? n : undefined;
}
