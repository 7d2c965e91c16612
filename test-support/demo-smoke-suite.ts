/**
 * Smoke test of an example's demo mode (`pnpm start` with nothing configured), shared by the examples:
 * starts the example as its `start` script does, replays every curl command it prints over real HTTP, and
 * stops it with a signal.
 */
import type { RunningExample } from '../examples/demo-kit/src/smoke.js';

/** One example's demo, and the demo-kit driver (from that example's dependencies). */
export interface DemoSmokeHarness {
  /** Starts the example in demo mode (demo-kit's `startExample(exampleDir)`). */
  start(): Promise<RunningExample>;
  /** demo-kit's `runCurl`. */
  runCurl(command: string): Promise<Response>;
  /** The statuses the demo prints beside its scenarios, in order. */
  statuses: number[];
  /** How the demo is stopped: `'SIGINT'` (Ctrl-C) or `'SIGTERM'`. */
  stopSignal: 'SIGINT' | 'SIGTERM';
  /** A further check on each replayed answer (its status and body text). */
  checkAnswer?(status: number, body: string): void;
  /** Registers further tests that need the demo running (they run before it is stopped). */
  whileRunning?(demo: () => RunningExample): void;
}

/**
 * Registers the demo smoke tests.
 *
 * @example
 * demoSmokeSuite({ start: () => startExample(dir), runCurl, statuses: [200, 401], stopSignal: 'SIGINT' });
 */
export function demoSmokeSuite(h: DemoSmokeHarness): void {
  let running: RunningExample | undefined;
  const demo = (): RunningExample => {
    if (!running) throw new Error('the example did not start');
    return running;
  };

  beforeAll(async () => {
    running = await h.start();
  }, 60_000);

  afterAll(async () => {
    await running?.stop('SIGKILL');
  });

  it('listens on 127.0.0.1 and prints the promised scenarios in order', () => {
    expect(demo().url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(demo().scenarios.map((s) => s.status)).toEqual(h.statuses);
  });

  it('gets, for every printed curl command, the status printed beside it', async () => {
    for (const scenario of demo().scenarios) {
      const res = await h.runCurl(scenario.curl);
      const body = await res.text();
      expect({ title: scenario.title, status: res.status }).toEqual({ title: scenario.title, status: scenario.status });
      h.checkAnswer?.(res.status, body);
    }
  });

  h.whileRunning?.(demo);

  it(`stops cleanly on ${h.stopSignal === 'SIGINT' ? 'Ctrl-C' : h.stopSignal}`, async () => {
    const code = await demo().stop(h.stopSignal);
    expect(code).toBe(0);
    expect(demo().output()).toContain('Stopped.');
    await expect(fetch(`${demo().url}/health`)).rejects.toThrow();
  });
}
