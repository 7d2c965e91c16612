import autocannon from 'autocannon';

/** What one autocannon run measured. */
export interface LoadResult {
  /** 2xx responses per second. */
  rate: number;
  ok: number;
  non2xx: number;
  errors: number;
  /** CPU time of this (load-generating) process ÷ wall time: near 1 means the client, not the server, was the limit. */
  clientCpu: number;
}

/** How long or how much to run. */
export type LoadBudget = { seconds: number } | { amount: number };

/**
 * Drives `url` with autocannon over loopback. With one token the Authorization header is fixed; with
 * several, `setupRequest` cycles through them, one per request (so a 10,000-token list exercises
 * 10,000 distinct verifications before the first repeat).
 *
 * @example
 * const { rate } = await runLoad(child.url, [token], 10, { seconds: 5 });
 */
export async function runLoad(url: string, tokens: readonly string[], connections: number, budget: LoadBudget): Promise<LoadResult> {
  const headers = tokens.map((t) => `Bearer ${t}`);
  let next = 0;
  const base = {
    url,
    connections,
    pipelining: 1,
    ...('seconds' in budget ? { duration: budget.seconds } : { amount: budget.amount }),
  };
  const options: autocannon.Options =
    headers.length === 1
      ? { ...base, headers: { authorization: headers[0]! } }
      : {
          ...base,
          requests: [
            {
              method: 'GET',
              setupRequest: (request) => {
                const authorization = headers[next]!;
                next = next + 1 === headers.length ? 0 : next + 1;
                return { ...request, headers: { ...request.headers, authorization } };
              },
            },
          ],
        };
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const result = await autocannon(options);
  const used = process.cpuUsage(cpu);
  const wallMicros = Number(process.hrtime.bigint() - started) / 1000;
  return {
    rate: result['2xx'] / result.duration,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    clientCpu: (used.user + used.system) / wallMicros,
  };
}
