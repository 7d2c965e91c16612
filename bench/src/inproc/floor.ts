import { constants, createHmac, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import type { AlgFixture } from '../fixtures.js';
import type { BenchAlg } from '../options.js';
import type { Verifier } from './harness.js';

interface SplitToken {
  data: Buffer;
  signature: Buffer;
}

type Check = (data: Buffer, signature: Buffer) => boolean;

/**
 * The physical floor: one node:crypto signature check over `header.payload` with a KeyObject made once.
 * Tokens are split and base64url-decoded outside the timed region, so this row is the signature check
 * alone — no JSON, no claims, no allocation beyond what node:crypto does.
 *
 * @example
 * const op = createFloorVerifier(fixture.algs.get('ES256')!).bind(tokens);
 */
export function createFloorVerifier(fixture: AlgFixture): Verifier {
  const check = checkFor(fixture.alg, fixture.keyObject);
  return {
    kind: 'sync',
    bind(tokens) {
      const split = tokens.map(splitToken);
      return (i) => {
        const t = split[i]!;
        if (!check(t.data, t.signature)) throw new Error('invalid signature');
      };
    },
  };
}

function checkFor(alg: BenchAlg, key: KeyObject): Check {
  switch (alg) {
    case 'RS256':
      return (data, sig) => verify('sha256', data, key, sig);
    case 'PS256': {
      // RFC 7518 §3.5: MGF1 with SHA-256 and a salt as long as the hash.
      const pss = { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
      return (data, sig) => verify('sha256', data, pss, sig);
    }
    case 'ES256': {
      // RFC 7518 §3.4: JWS carries R || S, not DER.
      const ec = { key, dsaEncoding: 'ieee-p1363' as const };
      return (data, sig) => verify('sha256', data, ec, sig);
    }
    case 'EdDSA':
      return (data, sig) => verify(null, data, key, sig);
    case 'HS256':
      return (data, sig) => {
        const mac = createHmac('sha256', key).update(data).digest();
        return mac.length === sig.length && timingSafeEqual(mac, sig);
      };
  }
}

function splitToken(token: string): SplitToken {
  const dot = token.lastIndexOf('.');
  return { data: Buffer.from(token.slice(0, dot)), signature: Buffer.from(token.slice(dot + 1), 'base64url') };
}
