// JWT access tokens per RFC 9068, signed with node:crypto directly: jose signs through
// WebCrypto, which costs about three times as much per token on this hardware.
import { randomId128 } from '../crypto/random.js';
import { signWith, type SigningKey } from '../keys/signing-key.js';

export interface AccessTokenRequest {
  issuer: string;
  subject: string;
  clientId: string;
  audience: string | string[];
  scopes: string[];
  lifetimeSeconds: number;
  now: number;
}

export interface IssuedAccessToken {
  token: string;
  jti: string;
  expiresAt: number;
}

export function issueAccessToken(key: SigningKey, request: AccessTokenRequest): IssuedAccessToken {
  // 128 bits: unguessable and collision-free for revocation lookups.
  const jti = randomId128();
  const expiresAt = request.now + request.lifetimeSeconds;
  const claims: Record<string, unknown> = {
    iss: request.issuer,
    sub: request.subject,
    aud: request.audience,
    exp: expiresAt,
    iat: request.now,
    jti,
    client_id: request.clientId,
  };
  if (request.scopes.length > 0) claims.scope = request.scopes.join(' ');
  const signingInput = `${key.encodedHeader}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return { token: `${signingInput}.${signWith(key, signingInput).toString('base64url')}`, jti, expiresAt };
}
