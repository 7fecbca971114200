import { createHash, timingSafeEqual } from 'node:crypto';
import { InvalidGrant, InvalidRequest } from './errors.js';

// RFC 7636 section 4.1: code_verifier = 43*128unreserved; section 4.2: challenge = BASE64URL(SHA256(verifier)).
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export function isValidChallenge(challenge: string): boolean {
  return CHALLENGE.test(challenge);
}

export function challengeOf(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/**
 * The token request's half of PKCE: a verifier must match the challenge the code was bound to,
 * and a verifier without a challenge is refused (RFC 9700 section 2.1.1: downgrade protection).
 */
export function checkCodeVerifier(challenge: string | null, verifier: string | undefined): void {
  if (challenge === null) {
    if (verifier !== undefined) throw new InvalidGrant('code_verifier sent, but the authorization request had no code_challenge');
    return;
  }
  if (verifier === undefined) throw new InvalidRequest('missing required parameter code_verifier');
  if (!VERIFIER.test(verifier)) throw new InvalidGrant('code_verifier is malformed (43 to 128 unreserved characters)');
  const expected = Buffer.from(challenge);
  const actual = Buffer.from(challengeOf(verifier));
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) throw new InvalidGrant('code_verifier does not match the code_challenge');
}
