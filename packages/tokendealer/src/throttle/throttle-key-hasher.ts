import { createHmac } from 'node:crypto';

/**
 * Throttle keys as stored in the database: HMAC-SHA-256 under a per-installation key, since the
 * keys hold emails and client addresses (a plain hash of a known email is easy to find). Recent
 * results are kept: a check while some key is blocked costs a map lookup, not an HMAC (about 2 µs).
 */
export class ThrottleKeyHasher {
  private readonly recent = new Map<string, string>();

  constructor(
    private readonly secret: Buffer,
    private readonly maxEntries = 10_000,
  ) {}

  hash(key: string): string {
    let hashed = this.recent.get(key);
    if (hashed === undefined) {
      hashed = createHmac('sha256', this.secret).update(key, 'utf8').digest('base64url');
      if (this.recent.size >= this.maxEntries) {
        // Map keeps insertion order: the first entry is the oldest.
        const oldest = this.recent.keys().next();
        if (!oldest.done) this.recent.delete(oldest.value);
      }
      this.recent.set(key, hashed);
    }
    return hashed;
  }
}
