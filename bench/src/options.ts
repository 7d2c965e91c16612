/**
 * Command-line settings of the benchmark. `--quick` shrinks every duration and count so a development
 * run takes about a minute; the full run is sized to finish in roughly ten minutes on a 2-core machine.
 */
export interface BenchSettings {
  quick: boolean;
  /** Distinct pre-minted tokens per algorithm (the "distinct tokens" rows). */
  distinctTokens: number;
  /** In-process: measured rounds, and milliseconds each cell runs per round. */
  inprocRounds: number;
  inprocSliceMs: number;
  /** Promises kept in flight by the in-process driver (a server has many requests open at once). */
  inprocConcurrency: number;
  /** HTTP: measured rounds, seconds per autocannon run, connections. */
  httpRounds: number;
  httpSeconds: number;
  httpConnections: number;
  /** Algorithm used for the HTTP part. */
  httpAlg: BenchAlg;
  /** Tokens pushed through core for the memory measurement. */
  memoryTokens: number;
  /** Sections to run (all by default). */
  sections: Set<Section>;
  /** Where the markdown report goes, relative to bench/ (null: stdout only). */
  output: string | null;
}

export type BenchAlg = 'RS256' | 'ES256' | 'EdDSA' | 'PS256' | 'HS256';
export const BENCH_ALGS: readonly BenchAlg[] = ['RS256', 'ES256', 'EdDSA', 'PS256', 'HS256'];
export type Section = 'inproc' | 'http' | 'jwks' | 'memory';
const SECTIONS: readonly Section[] = ['inproc', 'http', 'jwks', 'memory'];

const FULL = {
  distinctTokens: 10_000,
  inprocRounds: 5,
  inprocSliceMs: 250,
  httpRounds: 5,
  httpSeconds: 2,
  memoryTokens: 100_000,
};

const QUICK = {
  distinctTokens: 2_000,
  inprocRounds: 2,
  inprocSliceMs: 80,
  httpRounds: 1,
  httpSeconds: 1,
  memoryTokens: 10_000,
};

/**
 * Parses `process.argv`-style arguments.
 *
 * @example
 * parseArgs(['--quick', '--only', 'inproc,jwks']);
 */
export function parseArgs(argv: readonly string[]): BenchSettings {
  const quick = argv.includes('--quick');
  const base = quick ? QUICK : FULL;
  const only = valueOf(argv, '--only');
  const sections = new Set<Section>(only ? only.split(',').map(toSection) : SECTIONS);
  const httpAlg = (valueOf(argv, '--http-alg') ?? 'RS256') as BenchAlg;
  if (!BENCH_ALGS.includes(httpAlg) || httpAlg === 'HS256') {
    throw new TypeError(`--http-alg must be one of ${BENCH_ALGS.filter((a) => a !== 'HS256').join(', ')}`);
  }
  // A quick run never overwrites the reference report.
  const defaultOutput = quick ? 'RESULTS-quick.md' : 'RESULTS.md';
  const output = valueOf(argv, '--output') ?? (argv.includes('--no-write') ? null : defaultOutput);
  return {
    quick,
    ...base,
    distinctTokens: numberOf(argv, '--tokens') ?? base.distinctTokens,
    inprocRounds: numberOf(argv, '--rounds') ?? base.inprocRounds,
    httpRounds: numberOf(argv, '--http-rounds') ?? base.httpRounds,
    httpSeconds: numberOf(argv, '--http-seconds') ?? base.httpSeconds,
    inprocSliceMs: numberOf(argv, '--slice-ms') ?? base.inprocSliceMs,
    memoryTokens: numberOf(argv, '--memory-tokens') ?? base.memoryTokens,
    inprocConcurrency: 8,
    httpConnections: 10,
    httpAlg,
    sections,
    output,
  };
}

function valueOf(argv: readonly string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
}

function numberOf(argv: readonly string[], flag: string): number | undefined {
  const raw = valueOf(argv, flag);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new TypeError(`${flag} needs a positive integer`);
  return n;
}

function toSection(name: string): Section {
  if (!(SECTIONS as readonly string[]).includes(name)) {
    throw new TypeError(`--only takes a comma-separated list of ${SECTIONS.join(', ')}`);
  }
  return name as Section;
}
