/**
 * Finding an issuer's JWKS from its metadata: OpenID Connect Discovery 1.0 §4, then RFC 8414.
 */
import { fetchJson, FetchFailure, type FetchLimits } from './fetch-json.js';
import { checkFetchUrl } from './options.js';

const WELL_KNOWN = ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'];

function metadataUrls(issuer: string): string[] {
  const base = issuer.endsWith('/') ? issuer.slice(0, -1) : issuer;
  return WELL_KNOWN.map((path) => base + path);
}

function jwksUriOf(url: string, body: Record<string, unknown>, issuer: string, allowInsecureHttp: boolean): string {
  // OIDC Discovery §4.3 / RFC 8414 §3.3: the document must name exactly the issuer we asked about,
  // or an attacker-controlled document could point us at keys of its choosing.
  if (body.issuer !== issuer) throw new FetchFailure(url, 'metadata issuer does not match');
  if (typeof body.jwks_uri !== 'string') throw new FetchFailure(url, 'metadata has no jwks_uri');
  try {
    checkFetchUrl('jwks_uri', body.jwks_uri, allowInsecureHttp);
  } catch {
    throw new FetchFailure(url, 'metadata jwks_uri is not an acceptable URL');
  }
  return body.jwks_uri;
}

/**
 * Resolves an issuer's `jwks_uri`, trying `<issuer>/.well-known/openid-configuration` and then
 * `<issuer>/.well-known/oauth-authorization-server`. Throws {@link FetchFailure} when neither
 * yields a document for exactly this issuer.
 *
 * @example
 * const jwksUri = await discoverJwksUri('https://idp.example.com', { timeout: 5, maxBytes: 1 << 20 }, false)
 */
export async function discoverJwksUri(issuer: string, limits: FetchLimits, allowInsecureHttp: boolean): Promise<string> {
  let lastFailure: unknown;
  for (const url of metadataUrls(issuer)) {
    try {
      const { body } = await fetchJson(url, limits);
      return jwksUriOf(url, body, issuer, allowInsecureHttp);
    } catch (err) {
      lastFailure = err;
    }
  }
  throw lastFailure;
}
