/**
 * `dfu-flash download <file>`: the file read and parsed here, the library
 * flashes it, the result reported. With --dry-run the plan goes to stdout,
 * one step per line (with --json it is in the result line instead). With
 * --all every matching board is flashed in parallel (download-all.ts).
 */
import { requestAtPath, type DeviceCommand } from '../command.js';
import type { Common } from '../invocation.js';
import { addAcquire, addBoards, addCommon, addDownloadExtras, addSelection, addTransfer, addTransferTimeout } from '../program-options.js';
import type { DownloadRequest } from '../requests.js';

export interface DownloadInvocation extends Common {
  command: 'download';
  request: DownloadRequest;
  /** --all: every matching board, in parallel. */
  all?: true;
}

export const download: DeviceCommand<DownloadInvocation> = {
  kind: 'device',
  name: 'download',
  args: '<file>',
  summary: 'write a firmware file (bin, DfuSe .dfu, Intel HEX, S-record, ELF) to the device',
  examples: `
Examples:
  dfu-flash download -a 0 -s 0x08000000:leave firmware.bin     raw binary at an address (DfuSe)
  dfu-flash download firmware.dfu                              DfuSe file: addresses come from the file
  dfu-flash download --skip-unchanged fw.hex                   write only the sectors that changed (read back as always)
  dfu-flash download --no-verify fw.bin                        skip the read-back
  dfu-flash download --dry-run -a 0 -s 0x08000000 fw.bin       print the plan, transfer nothing
  dfu-flash download -d ,0483:df11 -S 3276365B3138 fw.hex      one board among several, DFU mode only
  dfu-flash download -N 2 fw.bin                               the device numbered 2 in dfu-flash list
  dfu-flash download --all -d ,0483:df11 fw.dfu                every matching board in parallel
  dfu-flash download -w --wait-timeout 30 fw.dfu               wait up to 30 s for the board to appear
  dfu-flash download --leave-watch 3000 -s 0x08000000:leave fw.bin   warn if it comes back to the bootloader
  dfu-flash download -s 0x08000000:mass-erase:force:leave fw.bin
  dfu-flash download --simulate stm32f4-sysboot --sim-state flash.json fw.bin`,
  options: (cmd) => addBoards(addDownloadExtras(addAcquire(addTransferTimeout(addCommon(addSelection(addTransfer(cmd))))))),
  async validate(raw, cwd) {
    const { z } = await import('zod');
    const s = await import('../schema.js');
    const { DfuFlashError } = await import('../../shared/errors.js');
    const schema = z
      .object({
        ...s.selection,
        ...s.common,
        ...s.transfer,
        ...s.timeout,
        ...s.acquire,
        file: s.file,
        all: z.boolean().optional(),
        leaveWatch: s.integer('--leave-watch', 0, 600_000).optional(),
        verify: z.boolean().optional(),
        skipUnchanged: z.boolean().optional(),
        dryRun: z.boolean().optional(),
        format: z.enum(['auto', 'bin', 'ihex', 'srec', 'elf', 'dfuse']).optional(),
        ignoreSuffix: z.boolean().optional(),
      })
      .strict();
    const v = s.check(schema, s.withFile(raw));
    const request: DownloadRequest = {
      selector: s.toSelector(v),
      file: s.resolve(cwd, v.file),
      ...(v.dfuseAddress !== undefined ? { dfuse: v.dfuseAddress } : {}),
      ...(v.transferSize !== undefined ? { transferSize: v.transferSize } : {}),
      reset: v.reset === true,
      ...(v.verify !== undefined ? { verify: v.verify } : {}),
      ...(v.skipUnchanged === true ? { skipUnchanged: true } : {}),
      ...(v.dryRun === true ? { dryRun: true } : {}),
      ...(v.format !== undefined && v.format !== 'auto' ? { format: v.format } : {}),
      ...(v.ignoreSuffix === true ? { ignoreSuffix: true } : {}),
      ...s.toAcquire(v),
      ...(v.leaveWatch !== undefined && v.leaveWatch > 0 ? { watchAfterLeaveMs: v.leaveWatch } : {}),
    };
    if (v.all === true && v.index !== undefined) {
      throw new DfuFlashError('USAGE', '--all and -N/--index contradict each other: -N chooses one device', {
        hint: 'drop -N to flash every matching board, or drop --all',
      });
    }
    return s.finishDevice({ command: 'download' as const, request, output: s.toOutput(v), ...(v.all === true ? { all: true as const } : {}) }, v, cwd);
  },
  preflight: async (inv, cwd) => (await import('../preflight.js')).checkInput(inv.request.file, cwd),
  atPath: requestAtPath,
  progress: (inv) => (inv.all === true ? 'none' : 'bars'),
  async run(inv, env) {
    if (inv.all === true) return (await import('./download-all.js')).runDownloadAll(inv, env);
    const [{ runDownload }, { oneLine }] = await Promise.all([import('../operations.js'), import('../reporters/format.js')]);
    const result = await runDownload(env.ops, env.ctx, inv.request);
    if (result.plan !== undefined && !inv.output.json) {
      env.reporter.close();
      env.io.stdout.write(result.plan.map((l) => oneLine(l) + '\n').join(''));
    }
    env.reporter.result(result);
  },
};
