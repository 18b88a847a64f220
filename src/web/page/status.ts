/**
 * The status line (data-testid="status"): what is going on, `… done` after a
 * success, `error: <message>` (and the fix under it) after a failure.
 */
import type { Ui } from './ui.js';
import { el } from './ui.js';
import { pageFix, pageMessage } from './page-hints.js';

export function showStatus(ui: Ui, text: string, kind: 'info' | 'ok' = 'info'): void {
  ui.status.className = kind === 'ok' ? 'ok' : '';
  ui.status.replaceChildren(text);
}

/** `error: <message>`, then `Fix: <fix>` when there is one. */
export function showError(ui: Ui, e: unknown, fix: string | undefined = pageFix(e)): void {
  ui.status.className = 'error';
  ui.status.replaceChildren(el('span', { class: 'message' }, `error: ${pageMessage(e)}`));
  if (fix !== undefined && fix !== '') ui.status.append(' ', el('span', { class: 'fix' }, `Fix: ${fix.replace(/^./, (c) => c.toUpperCase())}`));
}
