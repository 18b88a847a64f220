/**
 * What the station does to each board, from the CLI's request: the download
 * of one firmware file, or a plan's steps. Files are read and parsed once,
 * before any device is touched (a plan's file names with {port}/{serial} once
 * per board, on first use); every board is pinned to its port and enumeration
 * and never detached. Each job records the files it flashed with their SHA-256
 * for the log.
 */
import { createHash } from 'node:crypto';
import { DfuFlashError } from '../../shared/errors.js';
import type { FirmwareImage } from '../../formats/image.js';
import type { StationJob, StationJobResult } from '../../station/index.js';
import type { CommandEnv } from '../commands/env.js';
import type { StationWork } from '../commands/station.js';
import { readInputFile } from '../files.js';
import { runDownload } from '../operations.js';
import { fillTemplate, runPlanOnBoard, type StepResult } from '../plan-run.js';
import { parseFirmware } from '../../api/operations.js';
import type { CliResult } from '../results.js';
import type { DownloadRequest, FlashPlan } from '../requests.js';

/** A firmware file as flashed: its path and the SHA-256 of its bytes. */
export interface FlashedFile {
  file: string;
  sha256: string;
}

/** What a station job reports for one board (the reporters and the log read it). */
export type StationDetail = { kind: 'download'; result: CliResult; files: FlashedFile[] } | { kind: 'plan'; steps: StepResult[]; files: FlashedFile[] };

interface Loaded {
  image: FirmwareImage;
  sha256: string;
}

async function load(file: string, format: DownloadRequest['format']): Promise<Loaded> {
  const bytes = await readInputFile(file);
  if (bytes.length === 0) throw new DfuFlashError('FORMAT', `${file} is empty`, { hint: 'check that the build produced the firmware file' });
  const image = parseFirmware(bytes, { fileName: file, format: format ?? 'auto' });
  return { image, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Did the board leave DFU mode at the end (so it drops off the bus and may come back)? */
function leaves(end: string | undefined): boolean {
  return end !== undefined && end !== 'idle';
}

/** A station job, and the files every board gets (known before the first board; a plan's templated ones are not). */
export interface CliStationJob {
  job: StationJob<StationDetail>;
  files: FlashedFile[];
}

async function downloadJob(request: DownloadRequest, env: CommandEnv): Promise<CliStationJob> {
  const loaded = await load(request.file, request.format);
  const files = [{ file: request.file, sha256: loaded.sha256 }];
  const job: StationJob<StationDetail> = async (_board, c) => {
    const ctx = { ...env.ctx, backend: c.backend, emit: c.onEvent, signal: c.signal };
    const result = await runDownload(env.ops, ctx, { ...request, selector: c.selector, wait: false, autoDetach: false }, c.onEvent, loaded.image);
    return { leaves: leaves(result.end), bytes: result.bytes, phases: result.phases, detail: { kind: 'download', result, files } };
  };
  return { job, files };
}

/** The files of a plan's download steps without templates, loaded now (their mistakes before any device). */
async function planJob(plan: FlashPlan, env: CommandEnv): Promise<CliStationJob> {
  const fixed = new Map<string, Loaded>();
  for (const step of plan.steps) {
    if (step.kind === 'download' && !/\{(port|serial)\}/.test(step.file) && !fixed.has(step.file)) fixed.set(step.file, await load(step.file, step.format));
  }
  const formatOf = (file: string, board: { portPath: string; serial?: string | undefined }): DownloadRequest['format'] =>
    plan.steps.flatMap((s) => (s.kind === 'download' && fillTemplate(s.file, board) === file ? [s.format] : []))[0];
  const job: StationJob<StationDetail> = async (board, c) => {
    const files: FlashedFile[] = [];
    const image = async (file: string): Promise<FirmwareImage> => {
      const l = fixed.get(file) ?? (await load(file, formatOf(file, board)));
      files.push({ file, sha256: l.sha256 });
      return l.image;
    };
    const ctx = { ...env.ctx, backend: c.backend, emit: c.onEvent, signal: c.signal };
    const planned = { ...plan, selector: { ...plan.selector, ...c.selector, devnum: undefined } };
    const r = await runPlanOnBoard(env.ops, planned, board, ctx, { devnum: c.selector.devnum, autoDetach: false, image });
    const failed = r.steps.find((s) => !s.ok);
    if (failed !== undefined) {
      const e = failed.error ?? { code: 'INTERNAL', message: 'failed' };
      throw new DfuFlashError(e.code as DfuFlashError['code'], `step ${failed.step} ${failed.kind}: ${e.message}`, {
        hint: e.hint,
        details: { step: failed.step, kind: failed.kind, files },
      });
    }
    const result: StationJobResult<StationDetail> = {
      leaves: r.steps.some((s) => s.kind === 'leave' || s.kind === 'reset' || leaves(s.result?.end)),
      bytes: r.steps.reduce((n, s) => n + (s.kind === 'download' ? (s.result?.bytes ?? 0) : 0), 0),
      phases: r.steps.flatMap((s) => s.result?.phases ?? []),
      detail: { kind: 'plan', steps: r.steps, files },
    };
    return result;
  };
  return { job, files: [] };
}

/** The job for the invocation's work; throws (FORMAT, FILE_NOT_FOUND) before any device is touched. */
export function stationJob(work: StationWork, env: CommandEnv): Promise<CliStationJob> {
  return work.kind === 'download' ? downloadJob(work.request, env) : planJob(work.plan, env);
}
