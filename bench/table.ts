/**
 * The bench's result table (pure): one row per figure, formatted as a
 * Markdown table so the same text prints on the terminal and goes into
 * bench/README.md. Numbers are formatted here, never typed anywhere else.
 */

export interface Row {
  figure: string;
  dfuFlash: string;
  /** '' when dfu-util has no counterpart. */
  dfuUtil: string;
  goal: string;
  /** undefined: not measured (e.g. a flag the CLI does not accept yet); 'no goal': a figure printed for comparison only. */
  met: boolean | 'no goal' | undefined;
  /** For a goal not met: what limits it (printed below the table). */
  limits?: string[] | undefined;
  /** Always printed below the table: how the figure was measured, breakdowns. */
  notes?: string[] | undefined;
}

/** "1.034" — ratios to the device-imposed minimum. */
export function formatRatio(ratio: number): string {
  return Number.isFinite(ratio) ? ratio.toFixed(3) : 'n/a';
}

/** "8.21 s" (or "0.152 s" under a second). */
export function formatSeconds(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  const s = ms / 1000;
  return s < 1 ? `${s.toFixed(3)} s` : `${s.toFixed(2)} s`;
}

/** "12.4× faster". */
export function formatSpeedup(factor: number): string {
  return Number.isFinite(factor) ? `${factor.toFixed(1)}×` : 'n/a';
}

/** "71.2 MB" from bytes (MB = 10^6 bytes, as the goal is stated). */
export function formatMegabytes(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 1e6).toFixed(1)} MB` : 'n/a';
}

export function verdict(met: boolean | 'no goal' | undefined): string {
  if (met === undefined) return 'not measured';
  if (met === 'no goal') return '—';
  return met ? 'met' : 'NOT met';
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The rows as a Markdown table with aligned columns. */
export function formatTable(rows: readonly Row[]): string {
  const header = ['figure', 'dfu-flash', 'dfu-util', 'goal', 'result'];
  const cells = rows.map((r) => [r.figure, r.dfuFlash, r.dfuUtil || '—', r.goal, verdict(r.met)].map(escapeCell));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string => '| ' + c.map((x, i) => x.padEnd(widths[i]!)).join(' | ') + ' |';
  const rule = '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|';
  return [line(header), rule, ...cells.map(line)].join('\n') + '\n';
}

/** The limits of every goal not met, then the notes, as Markdown bullet lists. */
export function formatNotes(rows: readonly Row[]): string {
  const out: string[] = [];
  const unmet = rows.filter((r) => r.met === false && (r.limits?.length ?? 0) > 0);
  if (unmet.length > 0) {
    out.push('What limits the goals not met:', '');
    for (const r of unmet) {
      out.push(`- **${r.figure}**`);
      for (const l of r.limits!) out.push(`  - ${l}`);
    }
    out.push('');
  }
  const noted = rows.filter((r) => (r.notes?.length ?? 0) > 0);
  if (noted.length > 0) {
    out.push('How each figure was measured:', '');
    for (const r of noted) {
      out.push(`- **${r.figure}**`);
      for (const n of r.notes!) out.push(`  - ${n}`);
    }
    out.push('');
  }
  return out.join('\n');
}
