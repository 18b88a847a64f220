/** What happens after the operation: -R, and watching the bus after the device left DFU mode. */
import { hex16 } from '../shared/errors.js';
import type { DfuSession } from '../dfu/session.js';
import type { Target } from './select.js';
import type { OpContext } from './types.js';
import { interfaceMode } from '../dfu/device-mode.js';

/**
 * dfu-util's -R, minus its bug: DFU_DETACH, then a USB reset — except for a
 * device with bitWillDetach, which detaches itself and must not be reset
 * (DFU 1.1 §5.1; butterstick-hardware#14).
 */
export async function resetAfter(session: DfuSession, canReset: boolean): Promise<'reset' | 'detached'> {
  try {
    await session.req.detach(1000);
  } catch {
    // DETACH is not legal in every DFU-mode state; the reset below still does the job
  }
  if (session.functional.willDetach) return 'detached';
  if (!canReset) {
    session.emit({
      type: 'warning',
      message: 'this system cannot reset USB devices: DFU_DETACH was sent, the device decides when it restarts',
      hint: 'if it stays in DFU mode, unplug and replug it',
    });
    return 'detached';
  }
  await session.req.transport.reset().catch(() => undefined);
  return 'reset';
}

/**
 * After leave or manifestation, watch the port for `ms`: the device should
 * go; if the same DFU-mode device is still there, or comes back, its
 * application did not start. Returns a warning, or undefined when all is well.
 */
export async function watchAfterLeave(ctx: OpContext, target: Target, ms: number, pollMs = 50): Promise<string | undefined> {
  const start = ctx.clock.now();
  let gone = false;
  const sameBoardInDfu = (d: { portPath: string; vendorId: number; productId: number; alts: Target['device']['alts'] } & Target['device']) =>
    d.portPath === target.device.portPath &&
    d.vendorId === target.device.vendorId &&
    d.productId === target.device.productId &&
    d.alts.some((a) => interfaceMode(d, a) === 'dfu');
  while (ctx.clock.now() - start < ms) {
    const present = (await ctx.backend.list()).some(sameBoardInDfu);
    if (!present) gone = true;
    else if (gone) {
      return `the device returned to the bootloader (${hex16(target.device.vendorId)}:${hex16(target.device.productId)} is back on ${target.device.portPath}): check BOOT0/BOOT1, the option bytes, and the vector table address of the firmware`;
    }
    await ctx.clock.sleep(pollMs);
  }
  return gone ? undefined : `the device is still in DFU mode ${(ms / 1000).toFixed(1)} s after leaving: its application may not start (check BOOT0 and the firmware's start address)`;
}
