/**
 * The CLI's file-backed operations (src/cli/operations.ts) over the real
 * library, as the in-process tests drive them: a request naming files and a
 * context in, the CLI's report out. A download not asked to verify is not
 * verified here, so tests about other things keep their transcripts; the
 * default (verify where possible) is tested on its own.
 */
import * as api from '../../src/index.js';
import { runDetach, runDfuseCommand, runDownload, runLeave, runUpload } from '../../src/cli/operations.js';
import type { DetachRequest, DfuseCommandRequest, DownloadRequest, LeaveRequest, UploadRequest } from '../../src/cli/requests.js';
import type { CliResult } from '../../src/cli/results.js';
import type { OpContext } from '../../src/ops/types.js';

export type { CliResult as OperationResult };

export function download(req: DownloadRequest, ctx: OpContext): Promise<CliResult> {
  return runDownload(api, ctx, { ...req, verify: req.verify ?? false });
}

export function upload(req: UploadRequest, ctx: OpContext): Promise<CliResult> {
  return runUpload(api, ctx, req);
}

export function detach(req: DetachRequest, ctx: OpContext): Promise<CliResult> {
  return runDetach(api, ctx, req);
}

export function leave(req: LeaveRequest, ctx: OpContext): Promise<CliResult> {
  return runLeave(api, ctx, req);
}

export function dfuseCommand(req: DfuseCommandRequest, ctx: OpContext): Promise<CliResult> {
  return runDfuseCommand(api, ctx, req);
}
