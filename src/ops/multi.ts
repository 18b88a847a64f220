/**
 * Many boards at once: every board matching the selector is flashed in
 * parallel, each with its own events and result; one failing board does not
 * stop the others.
 */
import { DfuFlashError, isDfuFlashError } from '../shared/errors.js';
import { interfaceMode } from '../dfu/device-mode.js';
import { isUnrelatedRuntime, namesRuntimeDevice } from './unrelated.js';
import { download } from './download.js';
import type { Emit } from '../dfu/events.js';
import type { DfuDeviceInfo } from '../transport/types.js';
import type { DeviceSelector, DownloadRequest, OpContext, OperationResult } from './types.js';
import { chooseTarget } from './select.js';

export interface BoardResult {
  /** Port path: the one thing that names a board across re-enumeration. */
  portPath: string;
  serial?: string | undefined;
  ok: boolean;
  result?: OperationResult | undefined;
  error?: { code: string; message: string; hint?: string | undefined; details: Record<string, unknown> } | undefined;
  elapsedMs: number;
}

/** The boards (one per port) the selector matches, in DFU or (not unrelated) runtime mode. */
export function matchingBoards(devices: DfuDeviceInfo[], sel: DeviceSelector): DfuDeviceInfo[] {
  const explicit = namesRuntimeDevice(sel);
  const boards = new Map<string, DfuDeviceInfo>();
  for (const d of devices) {
    for (const mode of ['dfu', 'runtime'] as const) {
      if (!d.alts.some((a) => interfaceMode(d, a) === mode && (mode === 'dfu' || explicit || !isUnrelatedRuntime(d, a)))) continue;
      try {
        chooseTarget([d], { ...sel, alt: mode === 'runtime' ? undefined : sel.alt }, mode);
        if (!boards.has(d.portPath)) boards.set(d.portPath, d);
      } catch {
        // not this board
      }
    }
  }
  return [...boards.values()].sort((a, b) => a.portPath.localeCompare(b.portPath, 'en', { numeric: true }));
}

/**
 * Download to every matching board in parallel. `emitFor(portPath)` gives
 * each board its own event stream. Resolves with one result per board.
 */
export async function downloadAll(req: DownloadRequest, ctx: OpContext, emitFor: (portPath: string) => Emit): Promise<BoardResult[]> {
  const boards = matchingBoards(await ctx.backend.list(), req.selector);
  if (boards.length === 0) {
    throw new DfuFlashError('NO_DEVICE', 'no DFU device matches the selection', { hint: '`dfu-flash list` shows the devices found' });
  }
  return Promise.all(
    boards.map(async (board): Promise<BoardResult> => {
      const started = ctx.clock.now();
      const one: DownloadRequest = { ...req, selector: { ...req.selector, path: board.portPath, devnum: undefined } };
      try {
        const result = await download(one, { ...ctx, emit: emitFor(board.portPath) });
        return { portPath: board.portPath, serial: result.device.serial ?? board.serial, ok: true, result, elapsedMs: Math.round(ctx.clock.now() - started) };
      } catch (e) {
        const error = isDfuFlashError(e)
          ? { code: e.code, message: e.message, hint: e.hint, details: e.details }
          : { code: 'INTERNAL', message: (e as Error).message ?? String(e), details: {} };
        return { portPath: board.portPath, serial: board.serial, ok: false, error, elapsedMs: Math.round(ctx.clock.now() - started) };
      }
    }),
  );
}
