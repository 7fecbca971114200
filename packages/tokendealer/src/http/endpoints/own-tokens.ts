import { InvalidTokenError, verifyJwtAccessToken, type AccessTokenClaims } from '@runnerly/guard';
import { SIGNING_ALGORITHMS } from '../../keys/algorithms.js';
import type { TokenDealer } from '../../tokendealer.js';

/** Our own unexpired access token's claims, or undefined for anything else (forged, foreign, expired, garbage). */
export function readOwnAccessToken(tokenDealer: TokenDealer, token: string): AccessTokenClaims | undefined {
  try {
    return verifyJwtAccessToken(token, (kid, alg) => tokenDealer.keyRing.publicKey(kid, alg), {
      issuer: tokenDealer.issuer,
      algorithms: [...SIGNING_ALGORITHMS],
      clockTolerance: 0,
    });
  } catch (error) {
    if (error instanceof InvalidTokenError) return undefined;
    throw error;
  }
}
