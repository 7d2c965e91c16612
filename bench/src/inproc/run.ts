import type { AlgFixture, Fixture } from '../fixtures.js';
import type { BenchAlg, BenchSettings } from '../options.js';
import { runAll, runSlice, type Op, type Verifier } from './harness.js';
import { IMPLEMENTATIONS, type ImplId } from './implementations.js';

export type TokenMode = 'distinct' | 'repeated';
export const TOKEN_MODES: readonly TokenMode[] = ['distinct', 'repeated'];

/** Measurements of one implementation × algorithm × token mode. */
export interface InprocCell {
  impl: ImplId;
  alg: BenchAlg;
  mode: TokenMode;
  /** 'unsupported' → '—' in the report; 'failed' → the note says why. */
  status: 'ok' | 'unsupported' | 'failed';
  note?: string;
  /**
   * Verifications per CPU second of this process (pinned to one core) per measured round: the per-core
   * rate, not lowered by other processes taking turns on the core.
   */
  rates: number[];
  /** Verifications per wall-clock second per round (equal to `rates` on a quiet machine). */
  wallRates: number[];
  /** Share of the slice this process was on the CPU, per round. */
  busy: number[];
  /** rate ÷ the floor's rate (same algorithm, mode and round) per round. */
  ratios: number[];
}

interface LiveCell extends InprocCell {
  op?: Op;
  n: number;
  kind: Verifier['kind'];
}

/**
 * Measures every implementation on every algorithm and token mode, interleaved: each round runs every
 * cell once (in a rotated order), ratios to the floor are taken within the round.
 *
 * @example
 * const cells = await runInproc(fixture, settings, console.error);
 */
export async function runInproc(fixture: Fixture, settings: BenchSettings, log: (line: string) => void): Promise<InprocCell[]> {
  const cells: LiveCell[] = [];
  for (const [alg, algFixture] of fixture.algs) {
    for (const impl of IMPLEMENTATIONS) {
      cells.push(...(await prepare(fixture, algFixture, impl.id, settings, log)));
    }
  }
  const live = cells.filter((c) => c.status === 'ok');
  log(`in-process: ${live.length} cells, warm-up round`);
  await runRound(live, settings, 0, false);
  for (let round = 1; round <= settings.inprocRounds; round++) {
    log(`in-process: round ${round}/${settings.inprocRounds}`);
    await runRound(live, settings, round, true);
    addRatios(cells, round - 1);
  }
  return cells.map(({ op: _op, n: _n, kind: _kind, ...cell }) => cell);
}

async function prepare(fixture: Fixture, alg: AlgFixture, impl: ImplId, settings: BenchSettings, log: (line: string) => void): Promise<LiveCell[]> {
  // Fresh arrays per cell: the two modes must never share a rates list.
  const base = () => ({ impl, alg: alg.alg, rates: [], wallRates: [], busy: [], ratios: [], n: 0, kind: 'sync' as const });
  const fail = (status: InprocCell['status'], note?: string): LiveCell[] =>
    TOKEN_MODES.map((mode) => ({ ...base(), mode, status, ...(note ? { note } : {}) }));
  let verifier: Verifier | null;
  try {
    verifier = await IMPLEMENTATIONS.find((i) => i.id === impl)!.create(fixture, alg);
  } catch (err) {
    log(`  ${impl} ${alg.alg}: cannot be set up: ${describe(err)}`);
    return fail('failed', `setup failed: ${describe(err)}`);
  }
  if (!verifier) return fail('unsupported');
  const problem = await sanityCheck(verifier, alg);
  if (problem) {
    log(`  ${impl} ${alg.alg}: ${problem}`);
    return fail('failed', problem);
  }
  if (verifier.primeAll) {
    const errors = await runAll(verifier.bind(alg.distinct), alg.distinct.length, settings.inprocConcurrency);
    if (errors > 0) return fail('failed', `${errors} valid tokens rejected while priming`);
  }
  return TOKEN_MODES.map((mode) => {
    const tokens = mode === 'distinct' ? alg.distinct : [alg.repeated];
    return { ...base(), mode, status: 'ok', op: verifier.bind(tokens), n: tokens.length, kind: verifier.kind };
  });
}

/** A row is only worth timing if it accepts a valid token and rejects a tampered one. */
async function sanityCheck(verifier: Verifier, alg: AlgFixture): Promise<string | undefined> {
  try {
    await verifier.bind([alg.repeated])(0);
  } catch (err) {
    return `rejects a valid token: ${describe(err)}`;
  }
  try {
    await verifier.bind([alg.tampered])(0);
    return 'accepts a tampered token';
  } catch {
    return undefined;
  }
}

async function runRound(cells: LiveCell[], settings: BenchSettings, round: number, record: boolean): Promise<void> {
  // Rotate the starting cell each round so no row always runs right after the same neighbour.
  const offset = (round * 7) % Math.max(1, cells.length);
  for (let k = 0; k < cells.length; k++) {
    const cell = cells[(k + offset) % cells.length]!;
    if (cell.status !== 'ok') continue;
    const result = await runSlice(cell.op!, cell.n, cell.kind, settings.inprocSliceMs, settings.inprocConcurrency);
    if (result.errors > 0) {
      cell.status = 'failed';
      cell.note = `${result.errors} of ${result.ops} verifications of valid tokens failed`;
      continue;
    }
    if (record) {
      cell.rates.push(result.ops / Math.max(result.cpuSeconds, 1e-6));
      cell.wallRates.push(result.ops / result.seconds);
      cell.busy.push(result.cpuSeconds / result.seconds);
    }
  }
}

function addRatios(cells: LiveCell[], index: number): void {
  for (const cell of cells) {
    const floor = cells.find((c) => c.impl === 'floor' && c.alg === cell.alg && c.mode === cell.mode);
    const mine = cell.rates[index];
    const base = floor?.rates[index];
    if (mine !== undefined && base !== undefined) cell.ratios.push(mine / base);
  }
}

function describe(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.replace(/\s+/g, ' ').slice(0, 160);
}
