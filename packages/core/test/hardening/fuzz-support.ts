/**
 * fast-check arbitraries for the fuzzers: mutations of a valid token (bit flips in the text and in
 * the decoded bytes, segment swaps, re-encodings, header and claim edits) and whole requests built
 * around them. Every property runs from a fixed seed (FUZZ_SEED overrides it) and a failure names
 * the seed to replay.
 */
import fc from 'fast-check';

/** The seed of every fuzz property; set FUZZ_SEED to replay a reported failure. */
export const SEED = Number(process.env.FUZZ_SEED ?? 20_251_122);

/** Runs a property from the fixed seed; a failure message always carries the seed. */
export async function assertProperty<T>(name: string, property: fc.IAsyncPropertyWithHooks<T> | fc.IAsyncProperty<T>, numRuns: number, offset = 0): Promise<void> {
  const seed = SEED + offset;
  try {
    await fc.assert(property, { seed, numRuns, endOnFailure: true });
  } catch (err) {
    throw new Error(`fuzz property "${name}" failed — replay with FUZZ_SEED=${SEED} (property seed ${seed}):\n${(err as Error).message}`);
  }
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** One way of changing a token; `name` is for statistics and failure reports. */
export interface Mutation {
  name: string;
  apply(token: string): string;
}

/** A mutation that prints as `name(args)` in fast-check counterexamples. */
function named(name: string, args: unknown[], apply: (token: string) => string): Mutation {
  return { name, apply, [fc.toStringMethod]: () => `${name}(${args.map((arg) => JSON.stringify(arg)).join(', ')})` } as Mutation;
}

function segments(token: string): string[] {
  return token.split('.');
}

function flipTextBit(position: number, bit: number): Mutation {
  return named('text bit flip', [position, bit], (token) => {
    const at = position % token.length;
    return `${token.slice(0, at)}${String.fromCharCode(token.charCodeAt(at) ^ (1 << bit))}${token.slice(at + 1)}`;
  });
}

function flipByteBit(segment: number, position: number, bit: number): Mutation {
  return named('decoded bit flip', [segment, position, bit], (token) => {
    const parts = segments(token);
    const bytes = Buffer.from(parts[segment] ?? '', 'base64url');
    if (bytes.length === 0) return token;
    bytes[position % bytes.length]! ^= 1 << bit;
    parts[segment] = bytes.toString('base64url');
    return parts.join('.');
  });
}

const PERMUTATIONS = [[1, 0, 2], [0, 2, 1], [2, 1, 0], [1, 2, 0], [2, 0, 1], [0, 0, 2], [0, 1, 1], [0, 1], [0, 1, 2, 2], [0, 1, 2, 0, 1]];

function shuffle(order: number[]): Mutation {
  return named('segment swap', [order], (token) => order.map((index) => segments(token)[index] ?? '').join('.'));
}

function reencode(kind: number, segment: number, position: number): Mutation {
  return named('re-encoding', [kind, segment, position], (token) => {
    const parts = segments(token);
    const value = parts[segment] ?? '';
    const edits = [
      () => `${value}${'='.repeat((4 - (value.length % 4)) % 4 || 1)}`,
      () => value.replace(/-/g, '+').replace(/_/g, '/'),
      () => (value.length % 4 === 0 ? value : `${value.slice(0, -1)}${B64[B64.indexOf(value.at(-1)!) ^ 1]}`),
      () => `${value.slice(0, position % (value.length + 1))} ${value.slice(position % (value.length + 1))}`,
      () => Buffer.from(value, 'base64url').toString('base64'),
      () => value.toUpperCase(),
      () => `${value}A`,
      () => `A${value}`,
    ];
    parts[segment] = edits[kind % edits.length]!();
    return parts.join('.');
  });
}

function truncate(keep: number): Mutation {
  return named('truncation', [keep], (token) => token.slice(0, keep % token.length));
}

function append(extra: string): Mutation {
  return named('append', [extra], (token) => `${token}${extra}`);
}

const HEADER_EDITS: Array<Record<string, unknown>> = [
  { alg: 'none' }, { alg: 'HS256' }, { alg: 'RS256' }, { alg: 'ES256' }, { alg: 'PS256' }, { alg: 'es256' }, { alg: null },
  { kid: 'other' }, { kid: '' }, { kid: 1 }, { kid: undefined }, { crit: ['b64'], b64: true }, { crit: ['x'] }, { typ: 'JWT' },
  { jku: 'http://127.0.0.1:1/jwks' }, { jwk: { kty: 'oct', k: 'AA' } }, { enc: 'A256GCM' }, { zip: 'DEF' },
];

const CLAIM_EDITS: Array<Record<string, unknown>> = [
  { scope: 'admin' }, { sub: 'root' }, { exp: 9_999_999_999 }, { exp: '9999999999' }, { iss: 'https://evil.example' }, { aud: 'other' },
  { nbf: 0 }, { iat: 0 }, { exp: null }, { admin: true }, { iss: undefined }, { aud: [] },
];

function editJson(segment: 0 | 1, edit: Record<string, unknown>): Mutation {
  return named(segment === 0 ? 'header edit' : 'claims edit', [edit], (token) => {
    const parts = segments(token);
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(parts[segment] ?? '', 'base64url').toString('utf8'));
    } catch {
      return token; // an earlier mutation already broke this segment
    }
    parts[segment] = Buffer.from(JSON.stringify({ ...(decoded as object), ...edit })).toString('base64url');
    return parts.join('.');
  });
}

const IDENTITY: Mutation = named('untouched', [], (token) => token);

/** Any mutation of a token; about one in twenty leaves it untouched, so the 2xx path is exercised too. */
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.constant(IDENTITY), weight: 1 },
  { arbitrary: fc.tuple(fc.nat(), fc.integer({ min: 0, max: 6 })).map(([p, b]) => flipTextBit(p, b)), weight: 4 },
  { arbitrary: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.nat(), fc.integer({ min: 0, max: 7 })).map(([s, p, b]) => flipByteBit(s, p, b)), weight: 5 },
  { arbitrary: fc.constantFrom(...PERMUTATIONS).map(shuffle), weight: 2 },
  { arbitrary: fc.tuple(fc.nat(), fc.integer({ min: 0, max: 2 }), fc.nat()).map(([k, s, p]) => reencode(k, s, p)), weight: 3 },
  { arbitrary: fc.nat().map(truncate), weight: 1 },
  { arbitrary: fc.string({ unit: fc.constantFrom(...B64, '.', '=', '+', '/'), minLength: 1, maxLength: 8 }).map(append), weight: 1 },
  { arbitrary: fc.constantFrom(...HEADER_EDITS).map((edit) => editJson(0, edit)), weight: 2 },
  { arbitrary: fc.constantFrom(...CLAIM_EDITS).map((edit) => editJson(1, edit)), weight: 2 },
);

/** Characters an HTTP client may put in a header value (Node refuses CR, LF, NUL and other controls). */
export const HEADER_SAFE = fc.constantFrom(...Array.from({ length: 95 }, (_, i) => String.fromCharCode(0x20 + i)), '\t', '\u00e9', '\u00ff');

/** Any text at all, for requests that never cross HTTP. */
export const ANY_TEXT = fc.string({ unit: 'binary', maxLength: 64 });

const SCHEMES = ['Bearer', 'bearer', 'BEARER', 'BeArEr', 'Basic', 'Token', 'DPoP', '', 'Bearer,', 'Bearerx', 'Bear'];
const SEPARATORS = [' ', '  ', '\t', '', ' \t'];
const TRAILERS = ['', ' ', '  ', '\t', ' x', ',', ' Bearer', '.'];

export interface FuzzRequest {
  authorization?: string | string[];
  apiKey?: string;
  query?: string;
  /** Short description, for failure reports. */
  shape: string;
}

/** Requests around a valid token and API key: mutated, re-shaped, combined, or random text. */
export function requestArbitrary(token: string, key: string, text: fc.Arbitrary<string>): fc.Arbitrary<FuzzRequest> {
  const mutatedToken = mutation.map((m) => ({ value: m.apply(token), name: m.name }));
  const mutatedKey = fc.oneof(
    fc.constant(key),
    fc.tuple(fc.nat(), fc.integer({ min: 0, max: 6 })).map(([p, b]) => flipTextBit(p, b).apply(key)),
    fc.constantFrom(` ${key}`, `${key} `, `\t${key}`, key.slice(0, -1), `${key}x`, key.toUpperCase(), `Bearer ${key}`),
    text,
  );
  const authorization = fc.oneof(
    fc.tuple(fc.constantFrom(...SCHEMES), fc.constantFrom(...SEPARATORS), mutatedToken, fc.constantFrom(...TRAILERS))
      .map(([scheme, sep, t, trailer]) => ({ value: `${scheme}${sep}${t.value}${trailer}`, shape: `authorization(${t.name})` })),
    text.map((value) => ({ value, shape: 'authorization(random)' })),
    mutatedToken.map((t) => ({ value: [`Bearer ${token}`, `Bearer ${t.value}`], shape: 'two authorization headers' })),
  );
  return fc.oneof(
    { arbitrary: authorization.map((a) => ({ authorization: a.value, shape: a.shape })), weight: 6 },
    { arbitrary: mutatedKey.map((apiKey) => ({ apiKey, shape: 'api key' })), weight: 3 },
    { arbitrary: fc.tuple(authorization, mutatedKey).map(([a, apiKey]) => ({ authorization: a.value, apiKey, shape: `${a.shape} + api key` })), weight: 1 },
    { arbitrary: fc.tuple(fc.constantFrom('access_token', 'api_key', 'apikey', 'x-api-key'), fc.boolean()).map(([name, withHeader]) => ({
      query: `${name}=${encodeURIComponent(name === 'access_token' ? token : key)}`,
      authorization: withHeader ? `Bearer ${token}` : undefined,
      shape: `query ${name}`,
    })), weight: 1 },
  );
}
