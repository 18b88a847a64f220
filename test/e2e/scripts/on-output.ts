/**
 * Run a command and act on its --json output as it comes: send it a signal,
 * or create a file (an anchor for the harness's schedule), when a line
 * matches. Each rule fires once, in the order given for the same line. Its
 * stdout and stderr pass through; the exit status is the command's
 * (128 + n when a signal ended it).
 *
 *   node on-output.js --signal 'type=board-returned' SIGINT --touch 'type=board-finished,number=2' /tmp/x -- node bin/dfu-flash station ...
 *
 * A match is `key=value[,key=value]` on the line's JSON fields (compared as strings).
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { constants } from 'node:os';

type Rule = { when: [string, string][]; act: { signal: NodeJS.Signals } | { touch: string }; fired: boolean };

const argv = process.argv.slice(2);
const rules: Rule[] = [];
const parseWhen = (s: string): [string, string][] => s.split(',').map((kv) => kv.split('=') as [string, string]);
while (argv.length > 0 && argv[0] !== '--') {
  const flag = argv.shift();
  const when = parseWhen(argv.shift()!);
  const arg = argv.shift()!;
  if (flag === '--signal') rules.push({ when, act: { signal: arg as NodeJS.Signals }, fired: false });
  else if (flag === '--touch') rules.push({ when, act: { touch: arg }, fired: false });
  else throw new Error(`unknown flag ${flag}`);
}
argv.shift();
const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
let partial = '';
child.stdout!.on('data', (chunk: Buffer) => {
  process.stdout.write(chunk);
  partial += chunk.toString('utf8');
  let nl: number;
  while ((nl = partial.indexOf('\n')) >= 0) {
    const text = partial.slice(0, nl);
    partial = partial.slice(nl + 1);
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      continue;
    }
    for (const r of rules) {
      if (r.fired || !r.when.every(([k, v]) => String(line[k]) === v)) continue;
      r.fired = true;
      if ('signal' in r.act) child.kill(r.act.signal);
      else writeFileSync(r.act.touch, '');
    }
  }
});
child.on('exit', (code, signal) => {
  process.exitCode = code ?? 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0));
});
