/**
 * API-key authentication. Configured keys are held only as SHA-256 digests (a plain `key` is hashed
 * at construction and dropped) and compared in constant time; a `lookup` function serves keys kept
 * elsewhere.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { InvalidApiKeyError, KeysUnavailableError, isAuthError } from './errors.js';
import type { ApiKeyConfig, ResolvedOptions } from './options.js';
import type { ApiKeyRecord, AuthContext } from './types.js';

interface StoredKey {
  digest: Buffer;
  record: ApiKeyRecord;
  expiresAt?: number;
}

const SHA256_HEX = /^[0-9a-f]{64}$/i;
// Keys are opaque tokens: visible ASCII, bounded length. Anything else is refused unhashed.
const KEY_GRAMMAR = /^[\x21-\x7e]{1,512}$/;

/**
 * Hex SHA-256 of an API key: what to store in `apiKeys.keys[].sha256`.
 *
 * @example
 * hashApiKey('pk_live_…') // '9f86d081…'
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

function parseExpiry(value: string | Date | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const time = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(time)) throw new TypeError(`portcullis: option \`${option}\` must be a date or an ISO 8601 string`);
  return time;
}

function storeKey(config: ApiKeyConfig, index: number): StoredKey {
  const at = `apiKeys.keys[${index}]`;
  if (typeof config !== 'object' || config === null) throw new TypeError(`portcullis: option \`${at}\` must be an object`);
  if (typeof config.id !== 'string' || config.id === '') throw new TypeError(`portcullis: option \`${at}.id\` must be a non-empty string`);
  if ((config.key === undefined) === (config.sha256 === undefined)) throw new TypeError(`portcullis: option \`${at}\` needs exactly one of \`key\` and \`sha256\``);
  if (config.key !== undefined && (typeof config.key !== 'string' || !KEY_GRAMMAR.test(config.key))) throw new TypeError(`portcullis: option \`${at}.key\` must be 1–512 visible ASCII characters`);
  if (config.sha256 !== undefined && (typeof config.sha256 !== 'string' || !SHA256_HEX.test(config.sha256))) throw new TypeError(`portcullis: option \`${at}.sha256\` must be 64 hex characters`);
  if (config.scopes !== undefined && !(Array.isArray(config.scopes) && config.scopes.every((s) => typeof s === 'string'))) throw new TypeError(`portcullis: option \`${at}.scopes\` must be an array of strings`);
  const digest = Buffer.from(config.sha256 ?? hashApiKey(config.key as string), 'hex');
  const { id, subject, scopes } = config;
  return { digest, record: { id, subject, scopes }, expiresAt: parseExpiry(config.expiresAt, `${at}.expiresAt`) };
}

function toContext(record: ApiKeyRecord): AuthContext {
  // A lookup's record comes from user code: take only what has the documented shape.
  const scopes = Array.isArray(record.scopes) ? record.scopes.filter((scope): scope is string => typeof scope === 'string' && scope !== '') : [];
  const subject = typeof record.subject === 'string' ? record.subject : undefined;
  return { type: 'api-key', subject, scopes: Object.freeze([...new Set(scopes)]) as string[], keyId: record.id };
}

/** Verifies a presented API key; resolves to its {@link AuthContext} or rejects with a 401 (503 if `lookup` fails). */
export type ApiKeyVerifier = (presented: string) => Promise<AuthContext>;

/**
 * Builds the API-key verifier, validating and hashing the configured keys once.
 *
 * @example
 * const verify = createApiKeyVerifier(resolveOptions({ apiKeys: { keys: [{ id: 'ci', key: 'pk_…' }] } }))
 * await verify('pk_…') // { type: 'api-key', keyId: 'ci', scopes: [] }
 */
export function createApiKeyVerifier(options: ResolvedOptions): ApiKeyVerifier {
  const config = options.apiKeys!;
  const stored = (config.keys ?? []).map(storeKey);
  const ids = new Set<string>();
  for (const key of stored) {
    if (ids.has(key.record.id)) throw new TypeError(`portcullis: option \`apiKeys.keys\` has duplicate id ${JSON.stringify(key.record.id)}`);
    ids.add(key.record.id);
  }
  const realm = options.realm;

  function findStored(digest: Buffer): StoredKey | undefined {
    // Visit every key and never stop early, so timing does not reveal which key (if any) matched.
    let found: StoredKey | undefined;
    for (const key of stored) if (timingSafeEqual(key.digest, digest) && found === undefined) found = key;
    return found;
  }

  async function viaLookup(presented: string): Promise<ApiKeyRecord | undefined> {
    if (config.lookup === undefined) return undefined;
    try {
      return await config.lookup(presented);
    } catch (err) {
      if (isAuthError(err)) throw err;
      // The key store is down: like an unreachable IdP, that is not the caller's fault.
      throw new KeysUnavailableError(options.jwks.retryAfter, realm, 'API key store unavailable');
    }
  }

  return async function verifyApiKey(presented) {
    if (!KEY_GRAMMAR.test(presented)) throw new InvalidApiKeyError(realm);
    const match = findStored(createHash('sha256').update(presented, 'utf8').digest());
    if (match !== undefined) {
      if (match.expiresAt !== undefined && Date.now() >= match.expiresAt) throw new InvalidApiKeyError(realm, 'expired_api_key');
      return toContext(match.record);
    }
    const record = await viaLookup(presented);
    if (record === undefined || record === null || typeof record.id !== 'string') throw new InvalidApiKeyError(realm);
    const expiresAt = record.expiresAt === undefined ? undefined : new Date(record.expiresAt).getTime();
    if (expiresAt !== undefined && !(Date.now() < expiresAt)) throw new InvalidApiKeyError(realm, 'expired_api_key');
    return toContext(record);
  };
}
