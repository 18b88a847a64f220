/**
 * Is this a dfu-util command line? `dfu-flash -a 0 -s 0x08000000:leave -D fw.bin`
 * starts with an option and names no dfu-flash command; `dfu-flash dfu-util ...`
 * says so explicitly. `dfu-flash -h` and `-V` alone stay the program's own,
 * and `dfu-flash --json list` (options before a command) goes to the normal
 * parser, which explains where the options belong.
 */
import { valueFlags } from './options.js';

/** The dfu-util arguments, or undefined when argv is a normal dfu-flash command line. */
export function dfuUtilArguments(argv: readonly string[], commands: readonly string[]): string[] | undefined {
  const first = argv[0];
  if (first === undefined) return undefined;
  if (first === 'dfu-util') return argv.slice(1);
  if (!first.startsWith('-') || first === '-') return undefined;
  if (argv.length === 1 && ['-h', '--help', '-V', '--version'].includes(first)) return undefined;
  const takesValue = valueFlags();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return argv.slice(i + 1).some((w) => commands.includes(w)) ? undefined : [...argv];
    if (a.startsWith('--')) {
      if (!a.includes('=') && takesValue.has(a)) i++;
    } else if (a.startsWith('-') && a.length > 1) {
      // a cluster such as -lv, or -a0 (value attached), or -a 0 (value next)
      for (let j = 1; j < a.length; j++) {
        if (takesValue.has(`-${a[j]}`)) {
          if (j === a.length - 1) i++;
          break;
        }
      }
    } else if (commands.includes(a)) {
      return undefined;
    }
  }
  return [...argv];
}
