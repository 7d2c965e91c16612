import { createHash, randomBytes } from 'node:crypto';

/**
 * Options of {@link generateApiKey}.
 *
 * @example
 * generateApiKey({ id: 'ci', scopes: ['deploy'], expiresAt: '2030-01-01T00:00:00Z' });
 */
export interface GenerateApiKeyOptions {
  /** Record id, as listed in `apiKeys.keys`. Default: `'key_'` plus 8 random hex characters. */
  id?: string;
  /** `subject` of the resulting `AuthContext`. Default: none. */
  subject?: string;
  /** Scopes the key grants. Default: none. */
  scopes?: string[];
  /** When the key stops being accepted. Default: never. */
  expiresAt?: string | Date;
  /** Text before the random part, so leaked keys are recognisable. Default `'pk_test_'`. */
  prefix?: string;
}

/**
 * The stored form of an API key: only its SHA-256, never the key itself.
 *
 * @example
 * const { record } = generateApiKey(); // { id: 'key_…', sha256: '9f86…' }
 */
export interface ApiKeyRecord {
  id: string;
  /** Lower-case hex SHA-256 of the UTF-8 key string. */
  sha256: string;
  subject?: string;
  scopes?: string[];
  expiresAt?: string | Date;
}

/**
 * Generates an API key (32 random bytes, base64url, behind a prefix) and the hashed record to put in
 * `apiKeys.keys`. Hand `key` to the client, `record` to the server.
 *
 * @example
 * const { key, record } = generateApiKey({ subject: 'billing-service', scopes: ['invoices:read'] });
 * const auth = authenticate({ apiKeys: { keys: [record] } });
 * await request(app).get('/invoices').set('x-api-key', key).expect(200);
 */
export function generateApiKey(options: GenerateApiKeyOptions = {}): { key: string; record: ApiKeyRecord } {
  const { prefix = 'pk_test_', id = `key_${randomBytes(4).toString('hex')}` } = options;
  const key = `${prefix}${randomBytes(32).toString('base64url')}`;
  const record: ApiKeyRecord = { id, sha256: createHash('sha256').update(key, 'utf8').digest('hex') };
  if (options.subject !== undefined) record.subject = options.subject;
  if (options.scopes !== undefined) record.scopes = [...options.scopes];
  if (options.expiresAt !== undefined) record.expiresAt = options.expiresAt;
  return { key, record };
}
