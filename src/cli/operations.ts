/**
 * One CLI request → one library call: files are read and parsed here, the
 * library gets bytes and images, its typed result becomes the CLI's report
 * (results.ts), and an upload's bytes are written here (a temporary file,
 * then a rename). Used by the single commands, `download --all` and plan runs.
 */
import type { Emit } from '../dfu/events.js';
import type { FirmwareImage } from '../formats/image.js';
import { parseFirmware } from '../api/operations.js';
import type { OpContext } from '../ops/types.js';
import { commonOptions } from './commands/env.js';
import { readInputFile, writeFileAtomic } from './files.js';
import type { OpsApi } from './io.js';
import type { DetachRequest, DfuseCommandRequest, DownloadRequest, LeaveRequest, UploadRequest } from './requests.js';
import { fromCommand, fromDetach, fromDownload, fromUpload, type CliResult } from './results.js';
import { commandKind } from './dfu-util/command-kind.js';

/** Read and parse a firmware file: every format error comes before any device is touched. */
export async function loadFirmware(file: string, format: DownloadRequest['format']): Promise<FirmwareImage> {
  const bytes = await readInputFile(file);
  return parseFirmware(bytes, { fileName: file, format: format ?? 'auto' });
}

function verifyOption(v: boolean | undefined): boolean | 'required' {
  return v === true ? 'required' : v !== false;
}

/** `image`: the file already loaded (several boards, one file). */
export async function runDownload(ops: OpsApi, ctx: OpContext, req: DownloadRequest, emit: Emit = ctx.emit, loaded?: FirmwareImage): Promise<CliResult> {
  const started = ctx.clock.now();
  const image = loaded ?? (await loadFirmware(req.file, req.format));
  const options = {
    ...commonOptions(ctx, emit),
    selector: req.selector,
    image,
    imageName: req.file,
    ...(req.dfuse === undefined ? {} : { dfuse: req.dfuse }),
    transferSize: req.transferSize,
    reset: req.reset,
    verify: verifyOption(req.verify),
    skipUnchanged: req.skipUnchanged,
    ignoreSuffix: req.ignoreSuffix,
    watchAfterLeaveMs: req.watchAfterLeaveMs,
    wait: req.wait,
    waitTimeoutMs: req.waitTimeoutMs,
    autoDetach: req.autoDetach,
    ...(req.quirks === undefined ? {} : { quirks: req.quirks }),
  };
  if (req.dryRun) {
    const job = await ops.planDownload(options);
    return {
      operation: 'download',
      device: job.device,
      bytes: job.bytes,
      elapsedMs: Math.round(ctx.clock.now() - started),
      phases: [],
      plan: job.lines,
      outcome: 'dry run: nothing was sent to the device',
    };
  }
  return fromDownload(await ops.download(options));
}

export async function runUpload(ops: OpsApi, ctx: OpContext, req: UploadRequest, emit: Emit = ctx.emit): Promise<CliResult> {
  const r = await ops.uploadDetailed({
    ...commonOptions(ctx, emit),
    selector: req.selector,
    ...(req.dfuse === undefined ? {} : { dfuse: req.dfuse }),
    length: req.uploadSize,
    transferSize: req.transferSize,
    reset: req.reset,
    wait: req.wait,
    waitTimeoutMs: req.waitTimeoutMs,
    autoDetach: req.autoDetach,
    ...(req.quirks === undefined ? {} : { quirks: req.quirks }),
  });
  await writeFileAtomic(req.file, r.data, req.force);
  return fromUpload(r, req.file);
}

export async function runDetach(ops: OpsApi, ctx: OpContext, req: DetachRequest, emit: Emit = ctx.emit): Promise<CliResult> {
  return fromDetach(await ops.detach({ ...commonOptions(ctx, emit), selector: req.selector, wait: req.wait, waitTimeoutMs: req.waitTimeoutMs }));
}

export async function runLeave(ops: OpsApi, ctx: OpContext, req: LeaveRequest, emit: Emit = ctx.emit): Promise<CliResult> {
  const acquire = { wait: req.wait, waitTimeoutMs: req.waitTimeoutMs, autoDetach: req.autoDetach };
  const common = { ...commonOptions(ctx, emit), selector: req.selector, ...acquire };
  return fromCommand(req.reset ? await ops.reset(common) : await ops.leave({ ...common, address: req.address }));
}

export async function runDfuseCommand(ops: OpsApi, ctx: OpContext, req: DfuseCommandRequest, emit: Emit = ctx.emit): Promise<CliResult> {
  const acquire = { wait: req.wait, waitTimeoutMs: req.waitTimeoutMs, autoDetach: req.autoDetach };
  const common = { ...commonOptions(ctx, emit), selector: req.selector, ...acquire };
  const kind = commandKind(req.dfuse);
  const r =
    kind === 'unprotect'
      ? await ops.unprotect({ ...common, returnTimeoutMs: req.returnTimeoutMs })
      : kind === 'mass-erase'
        ? await ops.massErase({ ...common, leave: req.dfuse.leave, address: req.dfuse.address })
        : await ops.leave({ ...common, address: req.dfuse.address });
  return fromCommand(r);
}
