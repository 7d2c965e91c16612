import type { AlgFixture, Fixture } from '../fixtures.js';
import { createFloorVerifier } from './floor.js';
import type { Verifier } from './harness.js';
import { createJoseVerifier } from './jose.js';
import { createAuth0Verifier, createExpressJwtVerifier, createKoaJwtVerifier } from './peers.js';

/** One row of the in-process tables. */
export interface Implementation {
  id: ImplId;
  label: string;
  /** Builds a verifier for one algorithm; null when the implementation does not support it. */
  create(fixture: Fixture, alg: AlgFixture): Promise<Verifier | null>;
}

export type ImplId = 'floor' | 'jose' | 'core-cold' | 'core-warm' | 'auth0' | 'express-jwt' | 'koa-jwt';

/**
 * Every in-process implementation, in report order. The portcullis rows load `@portcullis/core`
 * lazily, so the rest of the benchmark runs even while core does not build.
 *
 * @example
 * for (const impl of IMPLEMENTATIONS) console.log(impl.label);
 */
export const IMPLEMENTATIONS: readonly Implementation[] = [
  { id: 'floor', label: 'node:crypto signature check (floor)', create: async (_f, a) => createFloorVerifier(a) },
  { id: 'jose', label: 'jose 6 `jwtVerify`, key pre-imported', create: async (f, a) => createJoseVerifier(f, a) },
  { id: 'core-cold', label: '@portcullis/core, `tokenCache: false` (cold)', create: (f, a) => portcullis(f, a, false) },
  { id: 'core-warm', label: '@portcullis/core, default cache (warm)', create: (f, a) => portcullis(f, a, true) },
  { id: 'auth0', label: 'express-oauth2-jwt-bearer', create: async (f, a) => createAuth0Verifier(f, a) },
  { id: 'express-jwt', label: 'express-jwt + jwks-rsa', create: async (f, a) => createExpressJwtVerifier(f, a) },
  { id: 'koa-jwt', label: 'koa-jwt + jwks-rsa', create: async (f, a) => createKoaJwtVerifier(f, a) },
];

async function portcullis(fixture: Fixture, alg: AlgFixture, cache: boolean): Promise<Verifier> {
  const { createPortcullisVerifier } = await import('./portcullis.js');
  return createPortcullisVerifier(fixture, alg, cache);
}
