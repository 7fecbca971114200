// The verifier's memory of tokens it has verified, least recently used first out.
// Keyed by the whole token string: equal strings are the same signed bytes.
import { LRUCache } from 'lru-cache';
import type { AccessTokenClaims } from './jwt.js';

export class VerifiedTokenCache {
  readonly #claims: LRUCache<string, AccessTokenClaims>;

  constructor(maxEntries: number) {
    this.#claims = new LRUCache<string, AccessTokenClaims>({ max: maxEntries });
  }

  /** The claims remembered for this token, unless they expired by `now` (then it is forgotten). */
  get(token: string, now: () => number): AccessTokenClaims | undefined {
    const claims = this.#claims.get(token);
    if (claims === undefined) return undefined;
    // Expiry is checked on every hit, so an expired token is never served; it leaves the cache
    // now or, if never presented again, by LRU eviction (a per-entry TTL would cost every insert).
    if (now() < claims.exp) return claims;
    this.#claims.delete(token);
    return undefined;
  }

  /** Remembers `claims` for `token`, frozen: cached claims are shared by every request bearing it. */
  set(token: string, claims: AccessTokenClaims): void {
    this.#claims.set(token, freezeClaims(claims));
  }

  get size(): number {
    return this.#claims.size;
  }
}

function freezeClaims(claims: AccessTokenClaims): AccessTokenClaims {
  Object.freeze(claims.scopes);
  if (Array.isArray(claims.aud)) Object.freeze(claims.aud);
  return Object.freeze(claims);
}
