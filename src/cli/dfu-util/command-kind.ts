/**
 * dfu-util's DfuSe command mode: `-s` with no file names a command —
 *   -s :mass-erase:force            erase every sector of the alt's memory
 *   -s 0x08000000:mass-erase:force:leave   … then jump to 0x08000000
 *   -s :unprotect:force             lift read-out protection
 *   -s :leave / -s 0x08000000:leave  leave DFU mode without writing anything
 * Anything else is refused before any device is touched.
 */
import { DfuFlashError } from '../../shared/errors.js';
import type { DfuseOptions } from '../../dfu/plan-types.js';
import type { DfuseCommandKind } from '../../ops/command-mode.js';

const SYNTAX_HINT = 'without a file, -s takes :mass-erase:force[:leave], ADDR:mass-erase:force:leave, :unprotect:force or [ADDR]:leave';

function usage(message: string, hint = SYNTAX_HINT): DfuFlashError {
  return new DfuFlashError('USAGE', message, { hint });
}

/** Which command a file-less -s asks for; throws USAGE for anything that is not one of them. */
export function commandKind(o: DfuseOptions): DfuseCommandKind {
  if (o.length !== undefined) throw usage(`-s with a length (${o.length}) reads memory: that needs a file to upload into`, 'give the output file: dfu-flash upload -s ADDR:LEN FILE');
  if (o.willReset) throw usage('-s …:will-reset applies to a download (the device resets after the write); there is nothing to write here');
  if (o.massErase && o.unprotect) throw usage('-s has both :mass-erase and :unprotect: lifting read-out protection already erases the whole flash', 'use -s :unprotect:force alone');
  if ((o.massErase || o.unprotect) && !o.force) {
    throw new DfuFlashError('BAD_ADDRESS_SPEC', `-s …:${o.massErase ? 'mass-erase' : 'unprotect'} needs :force: it erases the whole flash`, {
      hint: `add :force to confirm, e.g. -s :${o.massErase ? 'mass-erase' : 'unprotect'}:force`,
    });
  }
  if (o.unprotect) {
    if (o.leave) throw usage('-s :unprotect with :leave: the chip resets by itself after unprotecting', 'use -s :unprotect:force alone');
    if (o.address !== undefined) throw usage('-s :unprotect takes no address: it always erases the whole flash', 'use -s :unprotect:force');
    return 'unprotect';
  }
  if (o.address !== undefined && !o.leave) {
    throw usage(`-s with an address but no file and no :leave does nothing with the address`, 'add :leave to jump there afterwards, or give a file to download');
  }
  if (o.massErase) return 'mass-erase';
  if (o.leave) return 'leave';
  throw usage('-s without a file needs a command: there is nothing to do');
}

