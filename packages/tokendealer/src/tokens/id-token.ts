// OpenID Connect ID tokens (Core section 2), signed with node:crypto like the access tokens.
import { createHash } from 'node:crypto';
import { signWith, type SigningKey } from '../keys/signing-key.js';

export interface IdTokenRequest {
  issuer: string;
  subject: string;
  clientId: string;
  authTime: number;
  nonce: string | null;
  sid: string | null;
  /** The access token issued with it, for at_hash. */
  accessToken: string;
  /** Claims about the user released into the ID token. */
  userClaims: Record<string, unknown>;
  lifetimeSeconds: number;
  now: number;
}

/** Section 3.1.3.6: the left half of the hash of the access token, for the SHA-256 algorithms signed with here. */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest().subarray(0, 16).toString('base64url');
}

export function issueIdToken(key: SigningKey, request: IdTokenRequest): string {
  const claims: Record<string, unknown> = {
    ...request.userClaims,
    iss: request.issuer,
    sub: request.subject,
    aud: request.clientId,
    exp: request.now + request.lifetimeSeconds,
    iat: request.now,
    auth_time: request.authTime,
    ...(request.nonce === null ? {} : { nonce: request.nonce }),
    // RFC 8176: accounts sign in with a password only.
    amr: ['pwd'],
    at_hash: accessTokenHash(request.accessToken),
    ...(request.sid === null ? {} : { sid: request.sid }),
  };
  const header = Buffer.from(JSON.stringify({ alg: key.alg, typ: 'JWT', kid: key.kid })).toString('base64url');
  const signingInput = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${signingInput}.${signWith(key, signingInput).toString('base64url')}`;
}
