/**
 * Checks on the local files, done before any backend is created: the
 * firmware file must be readable, an upload must not clobber a file unless
 * --force, and its directory must exist.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DfuFlashError } from '../shared/errors.js';
import type { RunInvocation } from './commands/run.js';
import { displayPath } from './reporters/format.js';

function errnoOf(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

export async function checkInput(file: string, cwd: string): Promise<void> {
  const shown = displayPath(file, cwd);
  try {
    const s = await stat(file);
    if (s.isDirectory()) {
      throw new DfuFlashError('FILE_NOT_FOUND', `firmware file ${shown} is a directory`, { hint: 'give the path of a firmware file', details: { file } });
    }
    await access(file, constants.R_OK);
  } catch (e) {
    if (e instanceof DfuFlashError) throw e;
    const code = errnoOf(e);
    const problem = code === 'ENOENT' || code === 'ENOTDIR' ? 'not found' : code === 'EACCES' || code === 'EPERM' ? 'is not readable (permission denied)' : `cannot be read (${code ?? String(e)})`;
    throw new DfuFlashError('FILE_NOT_FOUND', `firmware file ${shown} ${problem}`, {
      hint: code === 'EACCES' || code === 'EPERM' ? 'check the file permissions' : `check the path (relative paths start at ${cwd})`,
      details: { file },
      cause: e,
    });
  }
}

export async function checkOutput(file: string, force: boolean, cwd: string): Promise<void> {
  const shown = displayPath(file, cwd);
  const existing = await stat(file).catch(() => undefined);
  if (existing?.isDirectory()) {
    throw new DfuFlashError('FILE_EXISTS', `output file ${shown} is a directory`, { hint: 'give a file name for the upload', details: { file } });
  }
  if (existing !== undefined && !force) {
    throw new DfuFlashError('FILE_EXISTS', `output file ${shown} already exists`, {
      hint: 'choose another name, or add --force to overwrite it',
      details: { file },
    });
  }
  const dir = dirname(file);
  const d = await stat(dir).catch(() => undefined);
  if (d === undefined || !d.isDirectory()) {
    throw new DfuFlashError('FILE_NOT_FOUND', `directory ${displayPath(dir, cwd)} for the output file does not exist`, {
      hint: 'create the directory first, or choose another path',
      details: { file },
    });
  }
}

/** A plan's files: those without {port}/{serial} can be checked now; errors name the step's JSON path. */
export async function checkPlanFiles(inv: RunInvocation, cwd: string): Promise<void> {
  for (const [i, step] of inv.plan.steps.entries()) {
    if ((step.kind !== 'download' && step.kind !== 'upload') || /\{(port|serial)\}/.test(step.file)) continue;
    try {
      if (step.kind === 'download') await checkInput(step.file, cwd);
      else await checkOutput(step.file, step.force === true, cwd);
    } catch (e) {
      if (!(e instanceof DfuFlashError)) throw e;
      const where = `plan file ${displayPath(inv.planFile, cwd)}: steps[${i}].${step.kind}.file`;
      const hint = e.code === 'FILE_EXISTS' ? 'choose another name, or add "force": true to the upload step' : 'file names in a plan are relative to the plan\'s folder';
      throw new DfuFlashError(e.code, `${where}: ${e.message}`, { hint, details: e.details, cause: e });
    }
  }
}
