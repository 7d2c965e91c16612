/**
 * The examples' configuration, read from environment variables so the same code runs against a real
 * identity provider or, with nothing set, against the embedded demo issuer.
 */
import { readFile } from 'node:fs/promises';

/** One API key as stored by the server: its SHA-256, never the key itself. */
export interface StoredApiKey {
  id: string;
  /** Lower-case hex SHA-256 of the key. */
  sha256: string;
  subject?: string;
  scopes?: string[];
  expiresAt?: string | Date;
}

/** What the environment asks for. */
export interface ExampleConfig {
  /** `PORT`; default 3000. `0` picks a free port. The server binds 127.0.0.1 only. */
  port: number;
  /** `ISSUER` (with `AUDIENCE`, optional `JWKS_URI`); absent → the embedded demo issuer. */
  idp?: { issuer: string; audience: string; jwksUri?: string };
  /** `API_KEYS_FILE`: path of a JSON array of {@link StoredApiKey}. */
  apiKeysFile?: string;
}

const DEFAULT_PORT = 3000;

/**
 * Reads `PORT`, `ISSUER`, `AUDIENCE`, `JWKS_URI` and `API_KEYS_FILE`. Throws an `Error` naming the
 * variable when a value is unusable, so a misconfigured server never starts.
 *
 * @example
 * const config = loadConfig(process.env); // { port: 3000 } with nothing set
 */
export function loadConfig(env: NodeJS.ProcessEnv): ExampleConfig {
  const config: ExampleConfig = { port: readPort(env.PORT) };
  const { ISSUER, AUDIENCE, JWKS_URI, API_KEYS_FILE } = env;
  if (ISSUER) {
    if (!AUDIENCE) throw new Error('AUDIENCE must be set when ISSUER is set (the `aud` your API expects)');
    config.idp = { issuer: ISSUER, audience: AUDIENCE, ...(JWKS_URI ? { jwksUri: JWKS_URI } : {}) };
  } else if (JWKS_URI || AUDIENCE) {
    throw new Error('JWKS_URI and AUDIENCE need ISSUER; unset them all to use the embedded demo issuer');
  }
  if (API_KEYS_FILE) config.apiKeysFile = API_KEYS_FILE;
  return config;
}

function readPort(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`PORT must be an integer from 0 to 65535, not ${JSON.stringify(value)}`);
  }
  return port;
}

/**
 * Reads an `API_KEYS_FILE`: a JSON array of key records carrying `sha256`, never plain keys (a leaked
 * file then grants nothing). Core validates the records further when the middleware is built.
 *
 * @example
 * // keys.json: [{ "id": "ci", "sha256": "9f86d0…", "subject": "ci-bot", "scopes": ["read:reports"] }]
 * const keys = await readApiKeysFile('keys.json');
 */
export async function readApiKeysFile(path: string): Promise<StoredApiKey[]> {
  let records: unknown;
  try {
    records = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new Error(`API_KEYS_FILE ${path}: cannot read it as JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(records)) throw new Error(`API_KEYS_FILE ${path}: expected a JSON array of key records`);
  records.forEach((record: unknown, index) => {
    const { id, sha256, key } = (record ?? {}) as Record<string, unknown>;
    if (typeof id !== 'string' || typeof sha256 !== 'string' || key !== undefined) {
      throw new Error(`API_KEYS_FILE ${path}: record ${index} needs a string "id" and "sha256", and no plain "key"`);
    }
  });
  return records as StoredApiKey[];
}
