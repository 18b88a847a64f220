/** Commands timed by timed_run.py without the harness (plain machine, no emulated devices). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { joinCommands, PYTHON, REPO_ROOT, TIMED_RUN, type ChildTiming } from './harness.js';

export interface LocalRun {
  rounds: { wallMs: number; children: ChildTiming[] }[];
  stdout: string;
  stderr: string;
}

/**
 * Run the commands one after another, the whole sequence `repeat` times (so the commands interleave;
 * cwd: the repository); throws unless every exit status is in okCodes. children[i] of each round is commands[i].
 */
export function localRun(commands: string[][], repeat: number, okCodes: number[] = [0]): LocalRun {
  const scratch = mkdtempSync(join(tmpdir(), 'dfu-flash-bench-'));
  try {
    const out = join(scratch, 'timings.json');
    const r = spawnSync(PYTHON, [TIMED_RUN, '--repeat', String(repeat), '--one-by-one', out, ...joinCommands(commands)], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 300_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const parsed = JSON.parse(readFileSync(out, 'utf8')) as { rounds: LocalRun['rounds'] };
    const bad = parsed.rounds.flatMap((x) => x.children).find((c) => !okCodes.includes(c.code));
    if (bad !== undefined) throw new Error(`${commands.map((c) => c.join(' ')).join('; ')}: exited with ${bad.code}\n${r.stderr.slice(-2000)}`);
    return { rounds: parsed.rounds, stdout: r.stdout, stderr: r.stderr };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
