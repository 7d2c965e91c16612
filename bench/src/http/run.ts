import type { Fixture } from '../fixtures.js';
import type { BenchSettings } from '../options.js';
import type { ServerKind } from './apps.js';
import { killAllServers, startServer, type ServerChild } from './children.js';
import { runLoad } from './load.js';
import { cpuSeconds } from './process-cpu.js';

export type HttpMode = 'repeated' | 'distinct';
const HTTP_MODES: readonly HttpMode[] = ['repeated', 'distinct'];

/** One row of the HTTP table. */
export interface HttpServerSpec {
  kind: ServerKind;
  framework: 'express' | 'koa';
  label: string;
}

/**
 * Servers in report order; the `*-plain` ones are the ceilings their framework's rows are divided by.
 *
 * @example
 * HTTP_SERVERS.filter((s) => s.framework === 'koa');
 */
export const HTTP_SERVERS: readonly HttpServerSpec[] = [
  { kind: 'express-plain', framework: 'express', label: 'Express 5, unprotected (ceiling)' },
  { kind: 'express-floor', framework: 'express', label: 'bare node:crypto verify middleware (HTTP floor)' },
  { kind: 'express-portcullis', framework: 'express', label: '@portcullis/express, default cache' },
  { kind: 'express-portcullis-nocache', framework: 'express', label: '@portcullis/express, `tokenCache: false`' },
  { kind: 'express-auth0', framework: 'express', label: 'express-oauth2-jwt-bearer' },
  { kind: 'express-jwt', framework: 'express', label: 'express-jwt + jwks-rsa' },
  { kind: 'koa-plain', framework: 'koa', label: 'Koa 3, unprotected (ceiling)' },
  { kind: 'koa-floor', framework: 'koa', label: 'bare node:crypto verify middleware (HTTP floor)' },
  { kind: 'koa-portcullis', framework: 'koa', label: '@portcullis/koa, default cache' },
  { kind: 'koa-portcullis-nocache', framework: 'koa', label: '@portcullis/koa, `tokenCache: false`' },
  { kind: 'koa-jwt', framework: 'koa', label: 'koa-jwt + jwks-rsa' },
];

/** Measurements of one server × token mode. */
export interface HttpCell {
  kind: ServerKind;
  mode: HttpMode;
  status: 'ok' | 'failed';
  note?: string;
  rates: number[];
  /** rate ÷ the same framework's unprotected rate, same mode and round. */
  ratios: number[];
  non2xx: number;
  errors: number;
  /** Load generator's CPU share per round (see LoadResult.clientCpu). */
  clientCpu: number[];
  /** The server's CPU share per round (1 = its core was busy the whole run). */
  serverCpu: number[];
  /** 2xx responses per CPU second of the server, per round: its per-core capacity. */
  cpuRates: number[];
  /** cpuRate ÷ the ceiling's cpuRate, per round. */
  cpuRatios: number[];
}

/**
 * Starts every server in its own process pinned to CPU 1, checks each answers 200 to a valid token and
 * 401 to a tampered one, warms each up over the whole distinct-token list, then runs interleaved rounds.
 * Every child is killed before returning, also on error.
 *
 * @example
 * const cells = await runHttp(fixture, settings, console.error);
 */
export async function runHttp(fixture: Fixture, settings: BenchSettings, log: (line: string) => void): Promise<HttpCell[]> {
  const alg = fixture.algs.get(settings.httpAlg);
  if (!alg) throw new Error(`no ${settings.httpAlg} tokens were minted`);
  const tokens: Record<HttpMode, string[]> = { repeated: [alg.repeated], distinct: alg.distinct };
  const cells = HTTP_SERVERS.flatMap((s) => HTTP_MODES.map((mode): HttpCell => newCell(s.kind, mode)));
  const servers = new Map<ServerKind, ServerChild>();
  try {
    for (const spec of HTTP_SERVERS) {
      const problem = await startChecked(spec, fixture, settings, tokens, servers);
      if (problem) {
        log(`  http ${spec.kind}: ${problem}`);
        for (const c of cells.filter((x) => x.kind === spec.kind)) Object.assign(c, { status: 'failed', note: problem });
      }
    }
    log(`http: ${servers.size} servers up; warm-up`);
    for (const server of servers.values()) {
      await runLoad(server.url, tokens.distinct, settings.httpConnections, { amount: tokens.distinct.length });
      await runLoad(server.url, tokens.repeated, settings.httpConnections, { seconds: Math.max(1, settings.httpSeconds / 2) });
    }
    for (let round = 1; round <= settings.httpRounds; round++) {
      log(`http: round ${round}/${settings.httpRounds}`);
      await runRound(cells, servers, tokens, settings, round);
      addRatios(cells, round - 1);
    }
  } finally {
    killAllServers();
  }
  return cells;
}

async function startChecked(
  spec: HttpServerSpec,
  fixture: Fixture,
  settings: BenchSettings,
  tokens: Record<HttpMode, string[]>,
  servers: Map<ServerKind, ServerChild>,
): Promise<string | undefined> {
  const config = { kind: spec.kind, issuer: fixture.issuerUrl, audience: fixture.audience, jwksUri: fixture.jwksUri, alg: settings.httpAlg };
  try {
    const server = await startServer(config, 1);
    const valid = await status(server.url, tokens.repeated[0]!);
    const tampered = await status(server.url, fixture.algs.get(settings.httpAlg)!.tampered);
    const protectedServer = !spec.kind.endsWith('-plain');
    if (valid !== 200) return `answers ${valid} to a valid token`;
    if (protectedServer && tampered !== 401) return `answers ${tampered} to a tampered token`;
    servers.set(spec.kind, server);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

async function status(url: string, token: string): Promise<number> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  await res.arrayBuffer();
  return res.status;
}

async function runRound(
  cells: HttpCell[],
  servers: Map<ServerKind, ServerChild>,
  tokens: Record<HttpMode, string[]>,
  settings: BenchSettings,
  round: number,
): Promise<void> {
  // Rotate the starting cell each round, as the in-process rounds do.
  const offset = (round * 5) % cells.length;
  for (let k = 0; k < cells.length; k++) {
    const cell = cells[(k + offset) % cells.length]!;
    const server = servers.get(cell.kind);
    if (!server || cell.status !== 'ok') continue;
    const cpuBefore = cpuSeconds(server.pid);
    const r = await runLoad(server.url, tokens[cell.mode], settings.httpConnections, { seconds: settings.httpSeconds });
    const cpuAfter = cpuSeconds(server.pid);
    cell.rates.push(r.rate);
    cell.clientCpu.push(r.clientCpu);
    if (cpuBefore !== undefined && cpuAfter !== undefined && cpuAfter > cpuBefore) {
      cell.cpuRates.push(r.ok / (cpuAfter - cpuBefore));
      cell.serverCpu.push((cpuAfter - cpuBefore) / settings.httpSeconds);
    }
    cell.non2xx += r.non2xx;
    cell.errors += r.errors;
  }
}

function addRatios(cells: HttpCell[], index: number): void {
  for (const cell of cells) {
    const framework = cell.kind.startsWith('koa-') ? 'koa' : 'express';
    const ceiling = cells.find((c) => c.kind === `${framework}-plain` && c.mode === cell.mode);
    const mine = cell.rates[index];
    const base = ceiling?.rates[index];
    if (mine !== undefined && base !== undefined) cell.ratios.push(mine / base);
    const mineCpu = cell.cpuRates[index];
    const baseCpu = ceiling?.cpuRates[index];
    if (mineCpu !== undefined && baseCpu !== undefined) cell.cpuRatios.push(mineCpu / baseCpu);
  }
}

function newCell(kind: ServerKind, mode: HttpMode): HttpCell {
  return { kind, mode, status: 'ok', rates: [], ratios: [], non2xx: 0, errors: 0, clientCpu: [], serverCpu: [], cpuRates: [], cpuRatios: [] };
}
