// The verifier's memory of tokens it has verified, least recently used first out.
// A hit needs the whole token string to match an entry: equal strings are the same signed bytes.
import { LRUCache } from 'lru-cache';
import type { AccessTokenClaims } from './jwt.js';

/**
 * Characters from the token's end that index the cache. They are signature characters (96 bits of
 * them), so distinct tokens share an index about never; when they do, the newer token takes the slot.
 * Hashing 16 characters instead of the whole token (hundreds of them, hashed on every miss since
 * each token is a new string) is what keeps a miss, the cost every new token pays, cheap.
 */
export const CACHE_INDEX_LENGTH = 16;

interface Entry {
  readonly token: string;
  readonly claims: AccessTokenClaims;
}

export class VerifiedTokenCache {
  readonly #entries: LRUCache<string, Entry>;

  constructor(maxEntries: number) {
    this.#entries = new LRUCache<string, Entry>({ max: maxEntries });
  }

  /** The claims remembered for exactly this token, unless they expired by `now` (then it is forgotten). */
  get(token: string, now: () => number): AccessTokenClaims | undefined {
    const index = indexOf(token);
    const entry = this.#entries.get(index);
    if (entry === undefined || entry.token !== token) return undefined;
    // Expiry is checked on every hit, so an expired token is never served; it leaves the cache
    // now or, if never presented again, by LRU eviction (a per-entry TTL would cost every insert).
    if (now() < entry.claims.exp) return entry.claims;
    this.#entries.delete(index);
    return undefined;
  }

  /** Remembers frozen `claims` for `token`: cached claims are shared by every request bearing it. */
  set(token: string, claims: AccessTokenClaims): void {
    this.#entries.set(indexOf(token), { token, claims: freezeClaims(claims) });
  }

  get size(): number {
    return this.#entries.size;
  }
}

function indexOf(token: string): string {
  return token.length > CACHE_INDEX_LENGTH ? token.slice(-CACHE_INDEX_LENGTH) : token;
}

function freezeClaims(claims: AccessTokenClaims): AccessTokenClaims {
  Object.freeze(claims.scopes);
  if (Array.isArray(claims.aud)) Object.freeze(claims.aud);
  return Object.freeze(claims);
}
