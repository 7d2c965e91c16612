/**
 * Demo mode: with no `ISSUER` configured, the examples run their own identity provider — the real local
 * issuer of `@portcullis/testing` on 127.0.0.1 — plus one demo API key, so they work with nothing outside.
 */
import { createTestIssuer, generateApiKey, type TestIssuer } from '@portcullis/testing';
import { readApiKeysFile, type ExampleConfig, type StoredApiKey } from './config.js';

/** The embedded issuer and the plain demo API key (printed in the curl commands, never stored). */
export interface Demo {
  issuer: TestIssuer;
  apiKey: string;
}

/** Everything an example server needs to build its app. */
export interface ExampleSetup {
  port: number;
  /** Spread into `authenticate(...)`. */
  auth: { issuer: string; audience: string | string[]; jwksUri?: string };
  /** Key records for the routes that accept API keys; may be empty. */
  apiKeys: StoredApiKey[];
  /** Present in demo mode only. */
  demo?: Demo;
  /** Stops the embedded issuer, if any. */
  close(): Promise<void>;
}

/** Scopes of the embedded demo API key: enough for `GET /reports`, nothing else. */
export const DEMO_KEY_SCOPES = ['read:reports'];

/**
 * Turns configuration into a running setup: the configured identity provider, or the embedded issuer
 * and demo key when `ISSUER` is not set. Keys from `API_KEYS_FILE` are used in either mode.
 *
 * @example
 * const setup = await resolveSetup(loadConfig(process.env));
 * const app = createApp({ auth: setup.auth, apiKeys: setup.apiKeys });
 */
export async function resolveSetup(config: ExampleConfig): Promise<ExampleSetup> {
  const fileKeys = config.apiKeysFile ? await readApiKeysFile(config.apiKeysFile) : [];
  if (config.idp) {
    return { port: config.port, auth: config.idp, apiKeys: fileKeys, close: async () => {} };
  }
  const issuer = await createTestIssuer();
  const { key, record } = generateApiKey({ id: 'demo-reports', subject: 'reporting-service', scopes: DEMO_KEY_SCOPES });
  return {
    port: config.port,
    auth: issuer.options,
    apiKeys: [...fileKeys, record],
    demo: { issuer, apiKey: key },
    close: () => issuer.close(),
  };
}

