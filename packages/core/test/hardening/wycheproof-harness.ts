/**
 * Runs Wycheproof JWS / JWK vectors through core's own layers. Wycheproof payloads are raw bytes
 * ("foo"), not JWT claim sets, so the full authenticator would refuse every one at the claims
 * stage; the verdict that matters is taken below that stage, from core's code at each step:
 *
 * 1. structure and encoding: `parseJwt` on the header and signature segments, and on the payload
 *    segment placed where arbitrary bytes are allowed (so the same canonical-base64url rules apply);
 * 2. the header rules: `checkHeader` (allow-list, `crit`, `kid` type);
 * 3. the key: `importJwks` for public key sets (then chosen by `kid` exactly as the JWKS cache
 *    does), or the `secret` option as `resolveOptions` validates it for symmetric keys;
 * 4. the signature: `verifySignature` over the ASCII of `header.payload` as received.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkHeader } from '../../src/claims.js';
import { importJwks } from '../../src/jwk-import.js';
import { resolveOptions, type ResolvedOptions } from '../../src/options.js';
import { parseJwt } from '../../src/parse-jwt.js';
import { verifySignature, type VerificationKey } from '../../src/signature.js';

/** The vectors, copied unchanged from the C2SP Wycheproof project (Apache-2.0; see vectors/wycheproof/README.md). */
export const WYCHEPROOF_DIR = fileURLToPath(new URL('./vectors/wycheproof/', import.meta.url));

export type Jwk = Record<string, unknown>;

export interface Vector {
  tcId: number;
  comment: string;
  jws: string;
  result: 'valid' | 'invalid' | 'acceptable';
  flags?: string[];
}

export interface Group {
  comment: string;
  public?: Jwk | { keys: Jwk[] } | null;
  private?: Jwk | { keys: Jwk[] } | null;
  tests: Vector[];
}

export function loadVectors(file: string): { numberOfTests: number; testGroups: Group[] } {
  return JSON.parse(readFileSync(`${WYCHEPROOF_DIR}${file}`, 'utf8'));
}

/** Where a group's verification key comes from in portcullis terms. */
export type KeySource =
  | { kind: 'jwks'; keys: Jwk[] }
  | { kind: 'secret'; jwk: Jwk };

const ISSUER = 'https://wycheproof.example';
const AUDIENCE = 'https://api.example';

function keyList(set: Group['public']): Jwk[] | undefined {
  if (set === undefined || set === null) return undefined;
  return Array.isArray((set as { keys?: unknown }).keys) ? (set as { keys: Jwk[] }).keys : [set as Jwk];
}

/**
 * Public keys are published in a JWKS. A symmetric key is never taken from a key set: it is the
 * `secret` option — when the set is exactly one `oct` key; any other set goes to the JWKS filter.
 */
export function keySource(group: Group): KeySource {
  const published = keyList(group.public);
  if (published !== undefined) return { kind: 'jwks', keys: published };
  const keys = keyList(group.private) ?? [];
  if (keys.length === 1 && keys[0]!.kty === 'oct') return { kind: 'secret', jwk: keys[0]! };
  return { kind: 'jwks', keys };
}

export interface Verdict {
  accepted: boolean;
  /** The layer that decided a rejection. */
  stage?: 'options' | 'structure' | 'header' | 'key' | 'signature';
}

/** Resolved options for a key source: TypeError when the configuration itself is refused. */
export function optionsFor(source: KeySource): ResolvedOptions {
  if (source.kind === 'jwks') return resolveOptions({ issuer: ISSUER, audience: AUDIENCE, jwksUri: `${ISSUER}/jwks` });
  const k = Buffer.from(String(source.jwk.k ?? ''), 'base64url');
  const algorithms = typeof source.jwk.alg === 'string' ? [source.jwk.alg] : undefined;
  return resolveOptions({ issuer: ISSUER, audience: AUDIENCE, secret: new Uint8Array(k), algorithms });
}

/** Chooses a key the way the JWKS cache does: by exact `kid`, else the single key allowing `alg`. */
function pick(keys: VerificationKey[], kid: unknown, alg: string): VerificationKey | undefined {
  if (kid !== undefined) return keys.find((key) => key.kid === kid);
  const candidates = keys.filter((key) => key.algorithms.has(alg));
  return candidates.length === 1 ? candidates[0] : undefined;
}

async function keyFor(source: KeySource, options: ResolvedOptions, kid: unknown, alg: string): Promise<VerificationKey | undefined> {
  if (source.kind === 'secret') return { algorithms: options.algorithms, key: options.secret as Uint8Array, retired: false };
  const { keys } = await importJwks({ keys: source.keys }, options.algorithms);
  return pick(keys, kid, alg);
}

/** The verdict of core's layers on one compact JWS. */
export async function verdict(jws: string, source: KeySource): Promise<Verdict> {
  let options: ResolvedOptions;
  try {
    options = optionsFor(source);
  } catch (err) {
    if (err instanceof TypeError) return { accepted: false, stage: 'options' };
    throw err;
  }
  const segments = jws.split('.');
  if (segments.length !== 3) return { accepted: false, stage: 'structure' };
  const [h, p, s] = segments as [string, string, string];
  const EMPTY_OBJECT = 'e30';
  let parsed: ReturnType<typeof parseJwt>;
  try {
    parsed = parseJwt(`${h}.${EMPTY_OBJECT}.${s}`);
    parseJwt(`${EMPTY_OBJECT}.${EMPTY_OBJECT}.${p}`);
  } catch {
    return { accepted: false, stage: 'structure' };
  }
  try {
    checkHeader(parsed.header, options);
  } catch {
    return { accepted: false, stage: 'header' };
  }
  const key = await keyFor(source, options, parsed.header.kid, parsed.header.alg);
  if (key === undefined) return { accepted: false, stage: 'key' };
  const ok = verifySignature(key, parsed.header.alg, Buffer.from(`${h}.${p}`, 'latin1'), parsed.signature);
  return ok ? { accepted: true } : { accepted: false, stage: 'signature' };
}

/** Tally of a vector file. */
export interface Tally {
  validAccepted: number;
  invalidRejected: number;
  notApplicable: Map<string, number>;
}

export function newTally(): Tally {
  return { validAccepted: 0, invalidRejected: 0, notApplicable: new Map() };
}

export function formatTally(name: string, total: number, tally: Tally): string {
  const na = [...tally.notApplicable.values()].reduce((a, b) => a + b, 0);
  const reasons = [...tally.notApplicable].map(([reason, count]) => `    n.a. ${count} × ${reason}`).join('\n');
  return `${name}: ${total} vectors — valid accepted ${tally.validAccepted}, invalid rejected ${tally.invalidRejected}, not applicable ${na}${reasons ? `\n${reasons}` : ''}`;
}
