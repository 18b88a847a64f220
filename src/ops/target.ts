/**
 * The prologue every operation on a DFU-mode interface shares, in one place:
 * the backend as the quirks see it, getting hold of the device (wait, detach
 * and follow, recover unreadable strings), one operation per board, the
 * quirks, the functional descriptor, the dialect, the transfer size and the
 * memory layouts. Everything here is decided before the first DFU request.
 */
import { DfuFlashError } from '../shared/errors.js';
import { functionalWithQuirks, layoutWithQuirks, quirkedBackend, resolveQuirks } from '../dfu/quirk-apply.js';
import { isDfuseInterface } from '../dfu/device-mode.js';
import { isDfuseLayout, parseMemoryLayout } from '../dfu/memory-layout.js';
import type { MemoryLayout } from '../dfu/plan-types.js';
import type { Quirks } from '../dfu/quirks.js';
import type { DfuAltSetting, FunctionalDescriptor } from '../transport/types.js';
import { acquireDfuTarget, type Acquired } from './acquire.js';
import { claimBoard } from './locks.js';
import { requireFunctional, resolveTransferSize } from './open.js';
import type { Target } from './select.js';
import type { AcquireOptions, DeviceSelector, OpContext } from './types.js';

export interface PrepareOptions extends AcquireOptions {
  /** Quirk flags to use whatever the quirk table says. */
  forceQuirks?: Partial<Quirks> | undefined;
}

export interface PreparedTarget {
  /** The context to run with: its backend shows devices as the quirks say they are. */
  ctx: OpContext;
  target: Target;
  /** The runtime-mode device that was detached first, if any. */
  detachedFrom?: Target | undefined;
  quirks: Quirks;
  /** Names of the quirks that apply. */
  applied: string[];
  /** The functional descriptor, quirks applied. */
  functional: FunctionalDescriptor;
  /** The interface speaks DfuSe. */
  dfuse: boolean;
  /** Quirks of another alt setting of the same interface (a .dfu file's targets). */
  quirksFor(alt: DfuAltSetting): Quirks;
  /** The alt setting's DfuSe memory layout, quirks applied; LAYOUT error when it has none. */
  layoutFor(alt: DfuAltSetting): MemoryLayout;
  /** wTransferSize or the override, within what the backend can send; USAGE error when it is 0. */
  transferSize(override?: number): number;
  /** Let go of the board (the operation is over). */
  release(): void;
}

/** The DfuSe memory layout of an alt setting, or why there is none. */
export function layoutOf(alt: DfuAltSetting): MemoryLayout {
  const name = alt.name;
  if (name === undefined && alt.nameError !== undefined) {
    throw new DfuFlashError('USB_IO', `the name of alt setting ${alt.alternateSetting}, which holds its DfuSe memory layout, could not be read (${alt.nameError})`, {
      hint: 'some bootloaders (the STM32CubeMX DFU class among them) enumerate with unreadable strings now and then: unplug the board and plug it in again',
      details: { reason: 'strings-unreadable', alt: alt.alternateSetting },
    });
  }
  if (name === undefined || !isDfuseLayout(name)) {
    throw new DfuFlashError('LAYOUT', `alt setting ${alt.alternateSetting} has no DfuSe memory layout (its name is ${name === undefined ? 'empty' : JSON.stringify(name)})`, {
      hint: 'choose the alt setting of the memory to read or write (the device list shows each alt setting with its layout)',
      details: { reason: 'no-layout', alt: alt.alternateSetting },
    });
  }
  return parseMemoryLayout(name);
}

/**
 * Find the DFU-mode interface the selector names (waiting, or detaching a
 * runtime device first, as `opts` allow), take the board for this operation
 * and resolve what the engines need. Call `release()` when done.
 */
export async function prepareTarget(ctx: OpContext, selector: DeviceSelector, opts: PrepareOptions = {}): Promise<PreparedTarget> {
  const c: OpContext = { ...ctx, backend: quirkedBackend(ctx.backend, opts.forceQuirks) };
  // the board is taken as soon as it is chosen, before a detach or anything else is sent to it
  const acquired: Acquired & { release: () => void } = await acquireDfuTarget(c, selector, opts, (device) => claimBoard(ctx.backend, device));
  const { target, release } = acquired;
  try {
    const { quirks, applied } = resolveQuirks(target.device, target.alt, opts.forceQuirks);
    if (applied.length > 0) c.emit({ type: 'debug', message: `device quirks: ${applied.join(', ')}` });
    const functional = functionalWithQuirks(requireFunctional(target), quirks);
    const warn = (message: string, hint?: string) => c.emit(hint === undefined ? { type: 'warning', message } : { type: 'warning', message, hint });
    const quirksFor = (alt: DfuAltSetting): Quirks =>
      alt === target.alt ? quirks : resolveQuirks(target.device, alt, opts.forceQuirks).quirks;
    const layouts = new Map<DfuAltSetting, MemoryLayout>();
    return {
      ctx: c,
      target,
      detachedFrom: acquired.detachedFrom,
      quirks,
      applied,
      functional,
      dfuse: isDfuseInterface(target.device, target.alt, functional),
      quirksFor,
      layoutFor(alt) {
        let layout = layouts.get(alt);
        if (layout === undefined) {
          layout = layoutWithQuirks(layoutOf(alt), quirksFor(alt), warn);
          layouts.set(alt, layout);
        }
        return layout;
      },
      transferSize(override) {
        return resolveTransferSize({
          functional,
          override,
          bMaxPacketSize0: target.device.bMaxPacketSize0,
          maxControlTransferBytes: c.backend.capabilities.maxControlTransferBytes,
          emitWarning: warn,
        });
      },
      release,
    };
  } catch (e) {
    release();
    throw e;
  }
}
