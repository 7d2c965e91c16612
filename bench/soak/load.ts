/**
 * The soak's load generator: a fixed number of workers on a keep-alive agent, each sending a probe
 * and checking the answer against what the probe must get, until the deadline.
 */
import { Agent, request } from 'node:http';
import type { Mix, Probe } from './mix.js';

/** What the run saw. */
export interface LoadResult {
  requests: number;
  byKind: Map<string, number>;
  byStatus: Map<number, number>;
  serverErrors: number;
  wrong: number;
  /** The first few wrong answers, for the report. */
  examples: string[];
  /** Latency histogram: 0.1 ms buckets up to 1 s (the last bucket holds everything slower). */
  latency: Uint32Array;
}

/** The latency below which `fraction` of the requests fell, in ms. */
export function percentile(histogram: Uint32Array, fraction: number): number {
  const total = histogram.reduce((sum, n) => sum + n, 0);
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i]!;
    if (seen >= total * fraction) return (i + 1) / 10;
  }
  return histogram.length / 10;
}

interface Answer {
  status: number;
  challenge?: string;
  body: string;
}

function send(agent: Agent, port: number, probe: Probe): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/messages', agent, headers: probe.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => {
        resolve({ status: res.statusCode ?? 0, challenge: res.headers['www-authenticate'], body });
      });
    });
    req.on('error', reject).end();
  });
}

/** Why an answer is wrong for its probe, or undefined when it is right. */
export function judge(probe: Probe, answer: Answer): string | undefined {
  if (answer.status !== probe.status) return `${probe.kind}: status ${answer.status}, expected ${probe.status}`;
  if (probe.status === 200) {
    const subject = (JSON.parse(answer.body) as { subject?: string }).subject;
    return subject === probe.subject ? undefined : `${probe.kind}: subject ${String(subject)}, expected ${String(probe.subject)}`;
  }
  const ok = typeof probe.challenge === 'string' ? answer.challenge === probe.challenge : probe.challenge?.test(answer.challenge ?? '');
  return ok ? undefined : `${probe.kind}: challenge ${JSON.stringify(answer.challenge)}`;
}

/** A small seeded PRNG (mulberry32), so a run's request sequence can be replayed. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bump<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/**
 * Runs `concurrency` workers until `deadline` (ms since epoch).
 *
 * @example
 * const result = await runLoad({ port, mix, concurrency: 16, deadline: Date.now() + 60_000, seed: 1 })
 */
export async function runLoad(options: { port: number; mix: Mix; concurrency: number; deadline: number; seed: number }): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const random = seeded(options.seed);
  const result: LoadResult = { requests: 0, byKind: new Map(), byStatus: new Map(), serverErrors: 0, wrong: 0, examples: [], latency: new Uint32Array(10_000) };

  async function worker(): Promise<void> {
    while (Date.now() < options.deadline) {
      const probe = options.mix.draw(random);
      const started = performance.now();
      const answer = await send(agent, options.port, probe);
      result.latency[Math.min(9_999, Math.floor((performance.now() - started) * 10))]! += 1;
      result.requests += 1;
      bump(result.byKind, probe.kind);
      bump(result.byStatus, answer.status);
      // The IdP stays healthy throughout, so even a 503 is a server error here.
      if (answer.status >= 500) result.serverErrors += 1;
      const wrong = judge(probe, answer);
      if (wrong !== undefined) {
        result.wrong += 1;
        if (result.examples.length < 5) result.examples.push(wrong);
      }
    }
  }

  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  } finally {
    agent.destroy();
  }
  return result;
}
