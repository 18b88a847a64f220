/**
 * `dfu-flash completion bash|zsh|fish`: the scripts cover every command and
 * option the help shows, and really complete in each shell (bash always;
 * zsh and fish when installed).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../src/cli/main.js';
import { COMMANDS } from '../../src/cli/program.js';
import { SIM_PROFILES } from '../../src/sim/index.js';
import { memoryIo } from './helpers.js';
import { withTempDir } from './tmp-dir.js';
import { describeOrSkip } from '../support/describe-or-skip.js';

async function script(shell: string): Promise<string> {
  const io = memoryIo();
  assert.equal(await run(['completion', shell], io), 0, io.err());
  assert.equal(io.err(), '');
  return io.out();
}

async function helpOptions(command: string): Promise<string[]> {
  const io = memoryIo();
  assert.equal(await run([command, '--help'], io), 0);
  const usage = io.out().split('\nExamples:')[0]!;
  return [...new Set(usage.match(/--[a-z][a-z-]+/g) ?? [])];
}

const has = (program: string): boolean => spawnSync(program, ['--version'], { encoding: 'utf8' }).status === 0;
const PROFILES = SIM_PROFILES.map((p) => p.name);

describe('what the scripts cover', () => {
  for (const shell of ['bash', 'zsh', 'fish']) {
    test(`${shell}: every command, every option of its --help, the profile names`, async () => {
      const text = await script(shell);
      for (const command of COMMANDS) {
        assert.ok(text.includes(command), `${shell}: ${command}`);
        for (const option of await helpOptions(command)) {
          const name = shell === 'fish' ? `-l ${option.slice(2)}` : option;
          assert.ok(text.includes(name), `${shell}: ${command} ${option}`);
        }
      }
      for (const p of PROFILES) assert.ok(text.includes(p), `${shell}: profile ${p}`);
    });
  }

  test('an unknown shell is a usage error', async () => {
    const io = memoryIo();
    assert.equal(await run(['completion', 'powershell'], io), 64);
    assert.match(io.err(), /value 'powershell' is invalid for argument 'shell'\. Allowed choices are bash, zsh, fish\./);
  });
});

describeOrSkip('bash', has('bash') ? false : 'bash is not installed', () => {
  const cases: [string[], string[]][] = [
    [['dfu-flash', ''], [...COMMANDS, '-h', '--help', '-V', '--version']],
    [['dfu-flash', 'do'], ['download', 'doctor']],
    [['dfu-flash', 'download', '--ve'], ['--verify', '--verbose']],
    [['dfu-flash', 'download', '--format', ''], ['auto', 'bin', 'ihex', 'srec', 'elf', 'dfuse']],
    [['dfu-flash', 'list', '--simulate', ''], PROFILES],
    [['dfu-flash', 'list', '--simulate', 'stm32f'], PROFILES.filter((p) => p.startsWith('stm32f'))],
    [['dfu-flash', 'suffix', ''], ['add', 'check', 'remove']],
    [['dfu-flash', 'suffix', '-v', '0483', ''], ['add', 'check', 'remove']],
    [['dfu-flash', 'convert', 'in.hex', '--to', ''], ['bin', 'hex', 'srec', 'dfu']],
    [['dfu-flash', 'convert', 'in.hex', '--image-size', ''], ['st', 'dfuse-pack']],
    [['dfu-flash', 'completion', ''], ['bash', 'zsh', 'fish']],
    [['dfu-flash', 'download', '-d', ''], []],
    [['dfu-flash', 'udev-rules', '--i'], ['--install']],
  ];

  test('completions for a table of command lines', () =>
    withTempDir(async (dir) => {
      const file = join(dir, 'dfu-flash.bash');
      await writeFile(file, await script('bash'));
      const body = cases
        .map(([words]) => `t ${words.map((w) => `'${w}'`).join(' ')}`)
        .join('\n');
      const driver = `source '${file}'\nt() { COMP_WORDS=("$@"); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _dfu_flash; echo "\${COMPREPLY[*]}"; }\n${body}\n`;
      const r = spawnSync('bash', ['--norc', '--noprofile', '-c', driver], { encoding: 'utf8', cwd: dir });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, '');
      const lines = r.stdout.split('\n');
      cases.forEach(([words, expected], i) => assert.deepEqual((lines[i] ?? '').split(' ').filter((w) => w !== '').sort(), [...expected].sort(), words.join(' ')));
    }));

  test('file names after a command that takes a file', () =>
    withTempDir(async (dir) => {
      const file = join(dir, 'dfu-flash.bash');
      await writeFile(file, await script('bash'));
      await writeFile(join(dir, 'firmware.hex'), '');
      await writeFile(join(dir, 'firmware.dfu'), '');
      const driver = `source '${file}'\nCOMP_WORDS=(dfu-flash info fir); COMP_CWORD=2; _dfu_flash; echo "\${COMPREPLY[*]}"\n`;
      const r = spawnSync('bash', ['--norc', '--noprofile', '-c', driver], { encoding: 'utf8', cwd: dir });
      assert.deepEqual(r.stdout.trim().split(' ').sort(), ['firmware.dfu', 'firmware.hex']);
    }));
});

describeOrSkip('zsh', has('zsh') ? false : 'zsh is not installed', () => {
  test('parses, and completes through compinit (zpty)', () =>
    withTempDir(async (dir) => {
      await writeFile(join(dir, '_dfu-flash'), await script('zsh'));
      assert.equal(spawnSync('zsh', ['-n', join(dir, '_dfu-flash')], { encoding: 'utf8' }).status, 0);
      // Per line: a fresh interactive zsh, type the line and a TAB, read the screen until the expected word shows up.
      const driver = `
zmodload zsh/zpty
local out all
for input pattern in $'dfu-flash suffix \\t' '*remove*' $'dfu-flash download --simulate \\t' '*stm32f4-sysboot*' $'dfu-flash convert x --to \\t' '*srec*'; do
  zpty z zsh -f -i
  zpty -w z 'PS1="> "; fpath=(${dir} $fpath); autoload -U compinit; compinit -u -D; setopt nolistambiguous; LISTMAX=1000'
  zpty -w -n z $input
  zpty -r z out $pattern && all+=$out
  sleep 0.3
  while zpty -r -t z out; do all+=$out; done
  zpty -d z
done
print -r -- $all
`;
      const r = spawnSync('zsh', ['-f', '-c', driver], { encoding: 'utf8', timeout: 30000 });
      const screen = r.stdout.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
      for (const word of ['add', 'check', 'remove', ...PROFILES, 'srec', 'dfu']) assert.ok(new RegExp(`\\b${word}\\b`).test(screen), `${word} offered:\n${screen}`);
    }));
});

describeOrSkip('fish', has('fish') ? false : 'fish is not installed', () => {
  test('parses, and complete -C offers the right words', () =>
    withTempDir(async (dir) => {
      const file = join(dir, 'dfu-flash.fish');
      await writeFile(file, await script('fish'));
      assert.equal(spawnSync('fish', ['-n', file], { encoding: 'utf8' }).status, 0);
      const words = (line: string): string[] => {
        const r = spawnSync('fish', ['--no-config', '-c', `source '${file}'; complete -C '${line}'`], { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        return r.stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t')[0]!).sort();
      };
      assert.deepEqual(words('dfu-flash suffix '), ['add', 'check', 'remove']);
      assert.deepEqual(words('dfu-flash download --simulate '), [...PROFILES].sort());
      assert.deepEqual(words('dfu-flash convert x --to '), ['bin', 'dfu', 'hex', 'srec']);
      assert.ok(words('dfu-flash ').includes('udev-rules'));
      assert.ok(words('dfu-flash download --sk').includes('--skip-unchanged'));
    }));
});
