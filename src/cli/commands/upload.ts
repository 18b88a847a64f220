/** `dfu-flash upload <file>`: the library reads the memory, the file is written here (atomically), the result reported. */
import { requestAtPath, type DeviceCommand } from '../command.js';
import type { Common } from '../invocation.js';
import { addAcquire, addCommon, addSelection, addTransfer, addTransferTimeout } from '../program-options.js';
import type { UploadRequest } from '../requests.js';

export interface UploadInvocation extends Common {
  command: 'upload';
  request: UploadRequest;
}

export const upload: DeviceCommand<UploadInvocation> = {
  kind: 'device',
  name: 'upload',
  args: '<file>',
  summary: "read the device's memory into a file",
  examples: `
Examples:
  dfu-flash upload -a 0 -s 0x08000000:0x4000 dump.bin          16 KiB from 0x08000000
  dfu-flash upload -a "Internal Flash" -s 0x08000000 all.bin   up to the end of that memory segment
  dfu-flash upload -Z 65536 --force firmware.bin               plain DFU device, overwrite the file`,
  options: (cmd) =>
    addAcquire(
      addTransferTimeout(addCommon(addSelection(addTransfer(cmd))))
        .option('-Z, --upload-size <bytes>', 'expected upload size (plain DFU: also an upper limit)')
        .option('-f, --force', 'overwrite the output file if it exists'),
    ),
  async validate(raw, cwd) {
    const { z } = await import('zod');
    const s = await import('../schema.js');
    const schema = z
      .object({ ...s.selection, ...s.common, ...s.transfer, ...s.timeout, ...s.acquire, file: s.file, uploadSize: s.integer('-Z/--upload-size', 1, 0xffffffff).optional(), force: z.boolean().optional() })
      .strict();
    const v = s.check(schema, s.withFile(raw));
    const request: UploadRequest = {
      selector: s.toSelector(v),
      file: s.resolve(cwd, v.file),
      ...(v.dfuseAddress !== undefined ? { dfuse: v.dfuseAddress } : {}),
      ...(v.uploadSize !== undefined ? { uploadSize: v.uploadSize } : {}),
      ...(v.transferSize !== undefined ? { transferSize: v.transferSize } : {}),
      force: v.force === true,
      reset: v.reset === true,
      ...s.toAcquire(v),
    };
    return s.finishDevice({ command: 'upload' as const, request, output: s.toOutput(v) }, v, cwd);
  },
  preflight: async (inv, cwd) => (await import('../preflight.js')).checkOutput(inv.request.file, inv.request.force, cwd),
  atPath: requestAtPath,
  async run(inv, env) {
    const { runUpload } = await import('../operations.js');
    env.reporter.result(await runUpload(env.ops, env.ctx, inv.request));
  },
};
