/**
 * Smoke-test driver: starts an example with the command of its `start` script (Node with tsx's loader and
 * the `portcullis-source` condition), reads the URL and the curl scenarios it prints, replays them over
 * real HTTP, and stops it with a signal as Ctrl-C would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { READY_LINE } from './banner.js';

/** A scenario as read back from the printed text. */
export interface PrintedScenario {
  title: string;
  status: number;
  curl: string;
}

/** A running example process. */
export interface RunningExample {
  url: string;
  scenarios: PrintedScenario[];
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /**
   * Sends `signal` (default SIGTERM; SIGINT is Ctrl-C) and resolves with the exit code; SIGKILL
   * follows after `graceMs` (default 5000).
   */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>;
}

/** Variables that would switch an example out of demo mode; never inherited from the test's shell. */
const CONFIG_VARIABLES = ['ISSUER', 'AUDIENCE', 'JWKS_URI', 'API_KEYS_FILE', 'UPSTREAM_URL'];

/**
 * Starts the example in `dir` on a free port and waits (at most `timeoutMs`) for its ready line.
 *
 * @example
 * const demo = await startExample(fileURLToPath(new URL('..', import.meta.url)));
 * try { … } finally { await demo.stop(); }
 */
export async function startExample(dir: string, env: Record<string, string> = {}, timeoutMs = 30_000): Promise<RunningExample> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PORT: '0', ...env };
  for (const name of CONFIG_VARIABLES) if (!(name in env)) delete childEnv[name];
  const { command, args } = startCommand(dir);
  const child = spawn(command, args, {
    cwd: dir,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, like a terminal job: a signal reaches every process of the example, and
    // SIGKILL leaves no orphaned server holding a port (and the test runner's pipes) open.
    detached: true,
  });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await waitForReady(child, () => text, exited, timeoutMs);
  } catch (err) {
    await stop(child, exited, 'SIGKILL');
    throw err;
  }
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1];
  if (!url) throw new Error(`no URL in the example's output:\n${text}`);
  return { url, scenarios: parseScenarios(text), output: () => text, stop: (signal, graceMs) => stop(child, exited, signal, graceMs) };
}

// The example's own `start` script, so the test runs what `pnpm start` runs: `node …` is this Node,
// anything else a binary from the example's node_modules/.bin.
function startCommand(dir: string): { command: string; args: string[] } {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts?: { start?: string } };
  const [program, ...args] = (pkg.scripts?.start ?? '').split(' ').filter(Boolean);
  if (program === undefined) throw new Error(`${dir}/package.json has no start script`);
  return { command: program === 'node' ? process.execPath : join(dir, 'node_modules', '.bin', program), args };
}

function waitForReady(child: ChildProcess, text: () => string, exited: Promise<number | null>, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready after ${timeoutMs} ms:\n${text()}`)), timeoutMs);
    const check = () => {
      if (!text().includes(READY_LINE)) return;
      clearTimeout(timer);
      child.stdout?.off('data', check);
      resolve();
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with code ${code} before it was ready:\n${text()}`));
    });
  });
}

async function stop(child: ChildProcess, exited: Promise<number | null>, signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000): Promise<number | null> {
  const running = child.exitCode === null && child.signalCode === null;
  if (running) signalGroup(child, signal);
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
  try {
    return running ? await exited : child.exitCode;
  } finally {
    clearTimeout(timer);
    // Whatever is left of the group goes too, so no stray server keeps the pipes (and the test run) open.
    signalGroup(child, 'SIGKILL');
    child.stdout?.destroy();
    child.stderr?.destroy();
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the whole group has already exited.
  }
}

/**
 * Reads `# <title> → <status>` comments and the `curl` line after each.
 *
 * @example
 * parseScenarios("# No token → 401\ncurl -i 'http://127.0.0.1:3000/messages'")
 * // [{ title: 'No token', status: 401, curl: "curl -i 'http://127.0.0.1:3000/messages'" }]
 */
export function parseScenarios(text: string): PrintedScenario[] {
  const lines = text.split('\n');
  const scenarios: PrintedScenario[] = [];
  lines.forEach((line, i) => {
    const match = /^# (.+) → (\d{3})$/.exec(line);
    const next = lines[i + 1];
    if (match && next?.startsWith('curl ')) scenarios.push({ title: match[1]!, status: Number(match[2]), curl: next });
  });
  return scenarios;
}

/**
 * Runs a printed `curl -i [-X M] [-H 'k: v']… [-d 'body'] 'url'` command with `fetch`.
 *
 * @example
 * const res = await runCurl("curl -i 'http://127.0.0.1:3000/health'"); // res.status === 200
 */
export async function runCurl(command: string): Promise<Response> {
  const words = [...command.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
  const init: { method: string; headers: Record<string, string>; body?: string } = { method: 'GET', headers: {} };
  let url: string | undefined;
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    if (word === '-i') continue;
    if (word === '-X') init.method = words[++i]!;
    else if (word === '-H') {
      const header = words[++i]!;
      const colon = header.indexOf(':');
      init.headers[header.slice(0, colon).trim()] = header.slice(colon + 1).trim();
    } else if (word === '-d') {
      init.body = words[++i]!;
      if (init.method === 'GET') init.method = 'POST';
    } else url = word;
  }
  if (!url) throw new Error(`no URL in ${command}`);
  return fetch(url, init);
}
