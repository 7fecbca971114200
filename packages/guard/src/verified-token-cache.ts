// The verifier's memory of tokens it has verified, least recently used first out.
// A token is remembered at its second verification, not its first (as nginx's
// `proxy_cache_min_uses 2`): most of the cache's cost is keeping claims alive, which the
// garbage collector copies until they are old, and a token presented once never pays it back.
// A token used for a whole session is verified twice instead of once, then served from memory;
// a flood of one-off tokens cannot push the tokens in use out of the cache.
// A hit needs the whole token string to equal an entry's: equal strings are the same signed bytes.
import { LRUCache } from 'lru-cache';
import type { AccessTokenClaims } from './jwt.js';

interface Entry {
  readonly token: string;
  readonly claims: AccessTokenClaims;
}

export class VerifiedTokenCache {
  readonly #entries: LRUCache<number, Entry>;
  /** Marks of tokens verified once since they last took their seat here, by slot; 0 for none. */
  readonly #seenOnce: Int32Array;

  constructor(maxEntries: number) {
    this.#entries = new LRUCache<number, Entry>({ max: maxEntries });
    this.#seenOnce = new Int32Array(seenTableSize(maxEntries));
  }

  /** The claims remembered for exactly this token, unless they expired by `now` (then it is forgotten). */
  get(token: string, now: () => number): AccessTokenClaims | undefined {
    // Callers in plain JavaScript may pass anything: the verifier then refuses it as malformed.
    if (typeof token !== 'string') return undefined;
    const slot = slotOf(token);
    const entry = this.#entries.get(slot);
    if (entry === undefined || entry.token !== token) return undefined;
    // Expiry is checked on every hit, so an expired token is never served; it leaves the cache
    // now or, if never presented again, by LRU eviction (a per-entry TTL would cost every insert).
    if (now() < entry.claims.exp) return entry.claims;
    this.#entries.delete(slot);
    return undefined;
  }

  /**
   * Called with the claims of a token just verified: remembers them if the same token was verified
   * before, else only notes that it was. `claims` must be frozen: remembered claims are shared by
   * every request bearing the token.
   */
  offer(token: string, claims: AccessTokenClaims): void {
    const slot = slotOf(token);
    const index = slot & (this.#seenOnce.length - 1);
    const mark = markOf(token);
    if (this.#seenOnce[index] !== mark) {
      this.#seenOnce[index] = mark;
      return;
    }
    this.#seenOnce[index] = 0;
    this.#entries.set(slot, { token, claims });
  }

  get size(): number {
    return this.#entries.size;
  }
}

/**
 * The slot a token takes: 30 bits read from its last five characters, which are signature
 * characters, random for every algorithm the guard accepts. A lookup then hashes one small integer
 * instead of the whole token: every request brings the token as a new string of some 400
 * characters, and hashing it was about half of the cache's own cost. Two live tokens sharing a
 * slot (about one insert in 100,000 with 10,000 entries) only means the older one is verified
 * again when next presented; a hit still needs the whole token to be equal, so a forged token
 * ending like a remembered one never hits.
 */
export function slotOf(token: string): number {
  return charBits(token, token.length - 5);
}

/** Another 30 bits of signature (the five characters before the slot's), never 0. */
function markOf(token: string): number {
  return charBits(token, token.length - 10) | 0x40000000;
}

function charBits(token: string, from: number): number {
  let bits = 0;
  for (let i = Math.max(0, from); i < from + 5; i++) bits = (bits << 6) | (token.charCodeAt(i) & 0x3f);
  return bits;
}

/**
 * A power of two at least twice the cache size (up to 4 Mi marks, 16 MiB), so that a mark is rarely
 * overwritten by another token's before the second use; when it is, that token is cached at its third.
 */
function seenTableSize(maxEntries: number): number {
  let size = 1024;
  while (size < 2 * maxEntries && size < 1 << 22) size *= 2;
  return size;
}
