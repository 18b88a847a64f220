/** The bench's own command line (pure). */

export const FIGURES = ['efficiency', 'verify', 'incremental', 'parallel', 'startup', 'memory', 'browser'] as const;
export type FigureName = (typeof FIGURES)[number];

export interface BenchArgs {
  quick: boolean;
  writeReadme: boolean;
  /** Repetitions of the short wall-time measurements. */
  runs: number;
  startupRuns: number;
  figures: FigureName[];
  help: boolean;
}

export const USAGE = `usage: npm run bench -- [--quick] [--write-readme] [--runs N] [--only ${FIGURES.join(',')}]

  --quick          reduced set at simulated time scale 0.2 (a smoke check; goals are for time scale 1)
  --write-readme   replace the results section of bench/README.md with this run's output
  --runs N         repetitions of each short download per tool (default 3; --quick: 1)
  --only LIST      run only these figures (comma-separated)
`;

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const quick = argv.includes('--quick');
  const args: BenchArgs = { quick, writeReadme: false, runs: quick ? 1 : 3, startupRuns: quick ? 3 : 7, figures: [...FIGURES], help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === '--quick') continue;
    else if (a === '--write-readme') args.writeReadme = true;
    else if (a === '--help' || a === '-h') args.help = true;
    else if (a === '--runs') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) throw new Error(`--runs needs a whole number ≥ 1\n${USAGE}`);
      args.runs = n;
    } else if (a === '--only') {
      const names = value().split(',');
      const bad = names.find((n) => !(FIGURES as readonly string[]).includes(n));
      if (bad !== undefined) throw new Error(`--only: unknown figure '${bad}' (one of ${FIGURES.join(', ')})\n${USAGE}`);
      args.figures = names as FigureName[];
    } else throw new Error(`unknown option '${a}'\n${USAGE}`);
  }
  return args;
}
