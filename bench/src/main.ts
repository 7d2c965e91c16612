/**
 * `pnpm bench` — portcullis side by side with the node:crypto floor, jose 6 and the peer libraries,
 * in one interleaved run (issue 6). Writes bench/RESULTS.md (bench/RESULTS-quick.md with --quick) and
 * echoes it to stdout; progress goes to stderr. See bench/README.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createFixture, type Fixture } from './fixtures.js';
import { killAllServers } from './http/children.js';
import { runHttp } from './http/run.js';
import { runInproc } from './inproc/run.js';
import { runJwksCounts } from './jwks-counts.js';
import { runMemory } from './memory.js';
import { BENCH_ALGS, parseArgs, type BenchSettings } from './options.js';
import { canPin, pinProcess } from './pin.js';
import { renderReport, type RunInfo } from './report.js';
import type { Measurements } from './targets.js';

/** Core's documented default `tokenCache.maxBytes` (packages/core/src/options.ts): the memory target's budget. */
const DEFAULT_CACHE_BUDGET_BYTES = 16 * 1024 * 1024;
const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
const log = (line: string): void => void process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const settings = parseArgs(argv);
  const started = Date.now();
  const foreignLoad = await sampleForeignLoad();
  const info: RunInfo = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cpus: cpus().length,
    command: commandLine(argv),
    pinned: canPin(),
    foreignLoad,
    durationSeconds: 0,
    errors: [],
  };
  const measurements: Measurements = { cacheBudgetBytes: DEFAULT_CACHE_BUDGET_BYTES };
  let fixture: Fixture | undefined;
  try {
    fixture = await prepareFixture(settings);
    if (info.pinned) pinProcess(process.pid, 0);
    await section('in-process', info, settings.sections.has('inproc') && fixture, async (f) => (measurements.inproc = await runInproc(f, settings, log)));
    await section('HTTP', info, settings.sections.has('http') && fixture, async (f) => (measurements.http = await runHttp(f, settings, log)));
  } finally {
    killAllServers();
    await fixture?.issuer.close();
  }
  await section('JWKS', info, settings.sections.has('jwks'), async () => (measurements.jwks = await runJwksCounts(log)));
  await section('memory', info, settings.sections.has('memory'), async () => {
    log(`memory: ${settings.memoryTokens.toLocaleString('en-US')} tokens in a child process`);
    measurements.memory = await runMemory(settings.memoryTokens);
  });
  info.durationSeconds = (Date.now() - started) / 1000;
  const markdown = renderReport(info, settings, measurements);
  if (settings.output) writeFileSync(new URL(settings.output, `file://${BENCH_DIR}/`), markdown);
  process.stdout.write(markdown);
  if (settings.output) log(`written to bench/${settings.output}`);
}

async function prepareFixture(settings: BenchSettings): Promise<Fixture | undefined> {
  const needs = settings.sections.has('inproc') ? BENCH_ALGS : settings.sections.has('http') ? [settings.httpAlg] : [];
  if (needs.length === 0) return undefined;
  const t = Date.now();
  log(`minting ${settings.distinctTokens.toLocaleString('en-US')} distinct tokens for ${needs.join(', ')}…`);
  const fixture = await createFixture(settings.distinctTokens, needs);
  log(`minted in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return fixture;
}

/** Runs one section; a failure is recorded in the report instead of ending the run. */
async function section<T>(name: string, info: RunInfo, input: T | false | undefined, run: (input: T) => Promise<unknown>): Promise<void> {
  if (input === false || input === undefined) return;
  const t = Date.now();
  try {
    await run(input);
    log(`${name}: done in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    info.errors.push(`${name}: ${message}`);
    log(`${name}: FAILED: ${err instanceof Error ? (err.stack ?? message) : message}`);
  }
}

function commandLine(argv: readonly string[]): string {
  const args = argv.length ? ` ${argv.join(' ')}` : '';
  return `pnpm bench${args}`;
}

/** Fraction of CPU time spent by other processes over one second, from /proc/stat (0 elsewhere). */
async function sampleForeignLoad(): Promise<number> {
  const read = (): number[] | undefined => {
    try {
      return readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    } catch {
      return undefined;
    }
  };
  const a = read();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const b = read();
  if (!a || !b) return 0;
  const delta = b.map((v, i) => v - (a[i] ?? 0));
  const total = delta.reduce((x, y) => x + y, 0);
  const idle = (delta[3] ?? 0) + (delta[4] ?? 0);
  return total > 0 ? 1 - idle / total : 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAllServers();
    process.exit(130);
  });
}
process.on('exit', killAllServers);

main().catch((err: unknown) => {
  log(err instanceof Error ? (err.stack ?? err.message) : String(err));
  killAllServers();
  process.exitCode = 1;
});
