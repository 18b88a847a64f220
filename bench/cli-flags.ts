/**
 * The one switch for verification in the bench: the efficiency figures compare
 * dfu-flash with dfu-util, which never reads back, so they run dfu-flash with
 * `--no-verify` once the CLI has that flag (read-back verification on by
 * default); until then they run it as it is (no verification unless asked).
 * The verification figure runs it once with and once without.
 */
import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from './harness.js';

export interface VerifyFlags {
  /** Appended to every efficiency command of dfu-flash (['--no-verify'] or []). */
  noVerify: string[];
  /** Appended for the run that verifies ([] when verifying is the default, else ['--verify']). */
  verify: string[];
  /** Words for the notes. */
  describe: string;
}

/** Does `dfu-flash download --help` list `flag`? */
function accepts(flag: string): boolean {
  const r = spawnSync(process.execPath, ['bin/dfu-flash', 'download', '--help'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
  return `${r.stdout}\n${r.stderr}`.includes(flag);
}

export function verifyFlags(): VerifyFlags {
  if (accepts('--no-verify')) {
    return { noVerify: ['--no-verify'], verify: [], describe: 'dfu-flash runs with --no-verify (it verifies by default; dfu-util never does)' };
  }
  return { noVerify: [], verify: ['--verify'], describe: 'dfu-flash as it is (it verifies only with --verify, like dfu-util never)' };
}
