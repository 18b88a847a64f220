/** Small statistics helpers for the bench (pure). */

export function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Median (mean of the middle two for an even count); NaN for no values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The run whose value is the median (lower middle for an even count), for keeping its details. */
export function medianBy<T>(items: readonly T[], value: (item: T) => number): T {
  if (items.length === 0) throw new Error('medianBy: no items');
  const s = [...items].sort((a, b) => value(a) - value(b));
  return s[(s.length - 1) >> 1]!;
}
