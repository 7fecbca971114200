import { InvalidRequest } from '../errors.js';
import { claimsOfScopes, OPENID_SCOPE } from '../openid/claims.js';
import type { AuthorizationParameters } from './authorization-parameters.js';

/** Long enough for any client's nonce, short enough to keep codes small. */
export const MAX_NONCE_LENGTH = 512;

export interface OpenIdRequest {
  /** Echoed in the ID token exactly (OpenID Connect Core section 3.1.2.1). */
  nonce: string | null;
  /** Claims the client asked for in the ID token (section 5.5) that the granted scopes allow; null when none. */
  idTokenClaims: string[] | null;
}

/**
 * OpenID Connect Core section 3.1.2.1 and 5.5: with the `openid` scope, a nonce and the claims
 * parameter. The claims parameter only moves claims the scopes release into the ID token: it
 * never releases a claim the user did not consent to (its `userinfo` member is accepted and,
 * the userinfo endpoint answering by scope, has no further effect). Without `openid`, both are
 * ignored, as OAuth 2.0 ignores unknown parameters.
 */
export function checkOpenId(params: AuthorizationParameters, scopes: readonly string[]): OpenIdRequest {
  if (!scopes.includes(OPENID_SCOPE)) return { nonce: null, idTokenClaims: null };
  const nonce = params.get('nonce') ?? null;
  if (nonce !== null && nonce.length > MAX_NONCE_LENGTH) throw new InvalidRequest(`nonce is too long (more than ${MAX_NONCE_LENGTH} characters)`);
  const raw = params.get('claims');
  if (raw === undefined) return { nonce, idTokenClaims: null };
  const requested = parseClaimsParameter(raw);
  const allowed = claimsOfScopes(scopes);
  const idTokenClaims = requested.filter((name) => allowed.includes(name));
  return { nonce, idTokenClaims: idTokenClaims.length > 0 ? idTokenClaims : null };
}

/** The names in the `id_token` member of the claims parameter (section 5.5): a JSON object of objects or nulls. */
function parseClaimsParameter(raw: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new InvalidRequest('claims must be a JSON object');
  }
  if (!isObject(parsed)) throw new InvalidRequest('claims must be a JSON object');
  for (const member of ['id_token', 'userinfo']) {
    const requests = parsed[member];
    if (requests === undefined) continue;
    if (!isObject(requests)) throw new InvalidRequest(`claims.${member} must be a JSON object`);
    for (const [name, request] of Object.entries(requests)) {
      if (request !== null && !isObject(request)) throw new InvalidRequest(`claims.${member}.${name.slice(0, 64)} must be null or an object`);
    }
  }
  return isObject(parsed.id_token) ? [...new Set(Object.keys(parsed.id_token))] : [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
