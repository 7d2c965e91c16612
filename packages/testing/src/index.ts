/**
 * `@portcullis/testing` — a real local OAuth 2.0 issuer for test suites: JWKS and discovery served
 * on 127.0.0.1, fresh keys per instance, tokens good and bad, fault switches, API-key helpers.
 *
 * @example
 * import { createTestIssuer } from '@portcullis/testing';
 * const issuer = await createTestIssuer();
 * const token = await issuer.sign({ scope: ['read'] });
 */
export { createTestIssuer } from './issuer.js';
export type { TestIssuer, TestIssuerOptions } from './issuer.js';
export type { TestClaims, SignOptions, HmacAlg } from './tokens.js';
export type { BadTokens, BadTokenPreset } from './bad-tokens.js';
export { BAD_TOKEN_KINDS } from './bad-tokens.js';
export type { RotateOptions } from './key-ring.js';
export type { Fault, FaultOptions, FaultTarget } from './faults.js';
export { HUGE_BODY_BYTES } from './faults.js';
export { SUPPORTED_ALGS } from './keys.js';
export type { Alg } from './keys.js';
export { generateApiKey } from './api-keys.js';
export type { ApiKeyRecord, GenerateApiKeyOptions } from './api-keys.js';
