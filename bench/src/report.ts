import { HTTP_SERVERS, type HttpCell } from './http/run.js';
import { IMPLEMENTATIONS } from './inproc/implementations.js';
import type { InprocCell, TokenMode } from './inproc/run.js';
import type { JwksCount, JwksImpl } from './jwks-counts.js';
import { BENCH_ALGS, type BenchSettings } from './options.js';
import { formatMiB, formatRate, formatRatio, median } from './stats.js';
import { evaluateTargets, memoryGrowth, type Measurements } from './targets.js';

/** Facts about the run printed at the top of the report. */
export interface RunInfo {
  date: string;
  node: string;
  cpu: string;
  cpus: number;
  command: string;
  pinned: boolean;
  /** Share of CPU time used by other processes just before the run (0–1). */
  foreignLoad: number;
  durationSeconds: number;
  errors: string[];
}

/**
 * Renders the whole markdown report.
 *
 * @example
 * const markdown = renderReport(info, settings, measurements);
 */
export function renderReport(info: RunInfo, settings: BenchSettings, m: Measurements): string {
  return [
    ...header(info, settings),
    ...targetsTable(m),
    ...(m.inproc ? inprocTables(m.inproc, settings) : []),
    ...(m.http ? httpTable(m.http, settings) : []),
    ...(m.jwks ? jwksTable(m.jwks) : []),
    ...(m.memory ? memoryTable(m) : []),
    ...errorsSection(info.errors),
  ].join('\n');
}

function header(info: RunInfo, s: BenchSettings): string[] {
  const banner = s.quick
    ? ['> **QUICK RUN (`--quick`)** — short slices, few rounds, fewer tokens: for development only, not the reference figures.', '']
    : [];
  const load = info.foreignLoad > 0.1 ? ` — **other processes used ${Math.round(info.foreignLoad * 100)}% of the CPUs just before the run; figures are noisy**` : '';
  return [
    '# portcullis benchmark results',
    '',
    ...banner,
    `- Date: ${info.date}`,
    `- Node: ${info.node}; CPU: ${info.cpu} × ${info.cpus}${load}`,
    `- Command: \`${info.command}\` (took ${Math.round(info.durationSeconds)} s)`,
    `- Pinning: ${info.pinned ? 'in-process rows and the load generator on CPU 0, each HTTP server on CPU 1 (`taskset`)' : 'unavailable — figures are not per core'}`,
    `- In-process: ${s.inprocRounds} round${s.inprocRounds === 1 ? '' : 's'} × ${s.inprocSliceMs} ms per cell after a warm-up round, ${s.inprocConcurrency} verifications in flight for async APIs; ${s.distinctTokens.toLocaleString('en-US')} distinct tokens per algorithm.`,
    `- HTTP: autocannon, ${s.httpConnections} connections, ${s.httpSeconds} s per run, ${s.httpRounds} round${s.httpRounds === 1 ? '' : 's'}, ${s.httpAlg}, loopback.`,
    '- Every figure is the median over rounds; every ratio is taken within a round, then the median is reported.',
    '',
  ];
}

function mark(pass: boolean | null): string {
  return pass === null ? 'n/a' : pass ? '**PASS**' : '**FAIL**';
}

function targetsTable(m: Measurements): string[] {
  const rows = evaluateTargets(m);
  return [
    '## Targets (issue 6)',
    '',
    '| Target | Required | Measured | Result |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.target} | ${r.required} | ${r.measured} | ${mark(r.pass)} |`),
    '',
  ];
}

function inprocTables(cells: InprocCell[], s: BenchSettings): string[] {
  const notes: string[] = [];
  const table = (mode: TokenMode, title: string): string[] => [
    `## ${title}`,
    '',
    `| Implementation | ${BENCH_ALGS.join(' | ')} |`,
    `|---|${BENCH_ALGS.map(() => '---:').join('|')}|`,
    ...IMPLEMENTATIONS.map((impl) => {
      const row = BENCH_ALGS.map((alg) => inprocCell(cells.find((c) => c.impl === impl.id && c.alg === alg && c.mode === mode), notes));
      return `| ${impl.label} | ${row.join(' | ')} |`;
    }),
    '',
  ];
  return [
    ...table('distinct', `In-process, per core: verifications/s with ${s.distinctTokens.toLocaleString('en-US')} distinct tokens (ratio to the floor)`),
    ...table('repeated', 'In-process, per core: verifications/s with one repeated token (ratio to the floor)'),
    'Rates are verifications per CPU second of the benchmark process, pinned to one core (every thread counted), so other processes',
    'taking turns on that core do not lower them. Cached rows: the default cache was filled with every distinct token before timing,',
    'so both tables show cache hits for them.',
    '',
    ...busyNote(cells),
    ...notes.map((n, i) => `${i + 1}. ${n}`),
    ...(notes.length ? [''] : []),
  ];
}

/** Rows whose process was off the CPU for part of the slice: idle waits, or other processes on the core. */
function busyNote(cells: InprocCell[]): string[] {
  const idle = cells.filter((c) => c.status === 'ok' && c.busy.length > 0 && median(c.busy) < 0.9);
  if (idle.length === 0) return [];
  const list = idle.map((c) => `${c.impl} ${c.alg} ${c.mode} ${Math.round(median(c.busy) * 100)}% (wall-clock ${formatRate(median(c.wallRates))}/s)`);
  return [`On the CPU less than 90% of the slice (idle waits, or other processes on the core): ${list.join('; ')}.`, ''];
}

function inprocCell(cell: InprocCell | undefined, notes: string[]): string {
  if (!cell || cell.status === 'unsupported') return '—';
  if (cell.status === 'failed') {
    notes.push(`${cell.impl} ${cell.alg} ${cell.mode}: ${cell.note ?? 'failed'}`);
    return `failed (${notes.length})`;
  }
  return `${formatRate(median(cell.rates))} (${formatRatio(median(cell.ratios))})`;
}

function httpTable(cells: HttpCell[], s: BenchSettings): string[] {
  const notes: string[] = [];
  const show = (c: HttpCell | undefined): string[] => {
    if (!c) return ['—', '—', '—'];
    if (c.status === 'failed') {
      notes.push(`${c.kind} ${c.mode}: ${c.note ?? 'failed'}`);
      return [`failed (${notes.length})`, '', ''];
    }
    const bad = c.non2xx + c.errors > 0 ? ` ⚠ ${c.non2xx} non-2xx, ${c.errors} errors` : '';
    return [formatRate(median(c.rates)) + bad, formatRatio(median(c.ratios)), formatRatio(median(c.cpuRatios))];
  };
  const distinct = s.distinctTokens.toLocaleString('en-US');
  return [
    `## HTTP: requests/s over loopback (autocannon, ${s.httpConnections} connections, ${s.httpAlg})`,
    '',
    'Ratios are to the same framework unprotected, same round and token mode: by requests/s, and by requests per CPU second of',
    'the server process — its per-core capacity, which holds when other processes share CPU 1 or the load generator is the limit;',
    'the targets are judged on it.',
    '',
    `| Server | repeated token req/s | ratio | ratio per server CPU-s | ${distinct} distinct tokens req/s | ratio | ratio per server CPU-s |`,
    '|---|---:|---:|---:|---:|---:|---:|',
    ...HTTP_SERVERS.map((spec) => {
      const repeated = show(cells.find((c) => c.kind === spec.kind && c.mode === 'repeated'));
      const many = show(cells.find((c) => c.kind === spec.kind && c.mode === 'distinct'));
      return `| ${spec.label} | ${repeated.join(' | ')} | ${many.join(' | ')} |`;
    }),
    '',
    ...notes.map((n, i) => `${i + 1}. ${n}`),
    ...(notes.length ? [''] : []),
    ...clientLoadNote(cells),
  ];
}

/** Warns when the load generator, not the server, may have been the limit of a run. */
function clientLoadNote(cells: HttpCell[]): string[] {
  const busiest = Math.max(0, ...cells.flatMap((c) => c.clientCpu));
  const pct = (v: number): string => `${Math.round(v * 100)}%`;
  const servers = cells
    .filter((c) => c.kind.endsWith('-plain') && c.serverCpu.length > 0)
    .map((c) => `${c.kind} ${c.mode} ${pct(median(c.serverCpu))}`);
  const text = `Load generator (autocannon, CPU 0) peaked at ${pct(busiest)} of a core; ceiling servers' median CPU share: ${servers.join(', ') || 'n/a'}`;
  return busiest > 0.9
    ? [`${text}. **The fastest servers may be client-bound: their req/s ceilings are understated, use the per-CPU-second ratios.**`, '']
    : [`${text}.`, ''];
}

const JWKS_LABELS: Record<JwksImpl, string> = {
  core: '@portcullis/core (default options)',
  auth0: 'express-oauth2-jwt-bearer',
  'express-jwt': 'express-jwt + jwks-rsa (cache on)',
  'koa-jwt': 'koa-jwt + jwks-rsa (cache on)',
};

function jwksTable(counts: JwksCount[]): string[] {
  const get = (impl: JwksImpl, scenario: JwksCount['scenario']) => counts.find((c) => c.impl === impl && c.scenario === scenario);
  const fetched = (c: JwksCount | undefined) => (c ? `${c.fetches} (${c.accepted}/${c.requests} accepted)` : '—');
  return [
    '## JWKS fetches against a real JWKS server on 127.0.0.1',
    '',
    '| Implementation | (i) 200 concurrent, cold start | (ii) 200 concurrent, new kid after rotate() | (iii) 1,000 random unknown kids: fetches | 5xx | accepted |',
    '|---|---:|---:|---:|---:|---:|',
    ...(Object.keys(JWKS_LABELS) as JwksImpl[]).map((impl) => {
      const unknown = get(impl, 'unknownKids');
      const tail = unknown ? [unknown.fetches, unknown.serverErrors, unknown.accepted] : ['—', '—', '—'];
      return `| ${JWKS_LABELS[impl]} | ${fetched(get(impl, 'cold'))} | ${fetched(get(impl, 'newKid'))} | ${tail.join(' | ')} |`;
    }),
    '',
    '"5xx" counts rejections that carry no 4xx status (what a framework would answer with 500).',
    'Fresh verifier per cell. (ii) and (iii) start 1.2 s after the verifier\'s first fetch, with the refetch cooldown set to 1 s',
    'where there is one (core `jwks.cooldown`, express-oauth2-jwt-bearer `cooldownDuration`; both 30 s by default) — a rotation',
    'normally arrives long after the last fetch. jwks-rsa runs with its defaults (`cache: true`, `rateLimit: false`).',
    '',
  ];
}

function memoryTable(m: Measurements): string[] {
  const r = m.memory!;
  const growth = memoryGrowth(r);
  const row = (label: string, heap: number, rss: number) => `| ${label} | ${formatMiB(heap)} | ${formatMiB(rss)} |`;
  return [
    `## Memory: ${r.tokens.toLocaleString('en-US')} distinct valid ES256 tokens (${r.tokenBytes} bytes each) through core`,
    '',
    '| After full GC | heapUsed | RSS |',
    '|---|---:|---:|',
    row('baseline (tokens minted, JWKS loaded)', r.baseline.heapUsed, r.baseline.rss),
    row('after all tokens with `tokenCache: false`', r.afterNoCache.heapUsed, r.afterNoCache.rss),
    row('after all tokens again with the default cache', r.afterDefaultCache.heapUsed, r.afterDefaultCache.rss),
    row('**growth** (cached pass over the lower of the two rows above it)', growth.heapUsed, growth.rss),
    '',
    `Default cache budget: ${formatMiB(m.cacheBudgetBytes)}; rejected tokens: ${r.rejected}.`,
    '',
  ];
}

function errorsSection(errors: string[]): string[] {
  if (errors.length === 0) return [];
  return ['## Sections that failed', '', ...errors.map((e) => `- ${e}`), ''];
}
