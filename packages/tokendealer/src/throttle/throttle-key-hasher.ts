import { createHmac } from 'node:crypto';
import { deriveKey } from '../crypto/derive-key.js';
import { randomToken } from '../crypto/random.js';
import type { SettingsStore } from '../storage/settings-store.js';

/**
 * The installation's hasher, for the server and the CLI alike (which must find the same rows).
 * With a master secret, the database alone does not tell whose emails and addresses failed.
 */
export async function installationKeyHasher(settings: SettingsStore, masterSecret: string | undefined): Promise<ThrottleKeyHasher> {
  const failureKey = await settings.getOrCreate('failure_count_key', () => randomToken(32));
  return new ThrottleKeyHasher(deriveKey(masterSecret ? `${failureKey}:${masterSecret}` : failureKey, 'failure-count-key'));
}

/**
 * Throttle keys (and their subjects and addresses, which `throttle clear` looks for) as stored in
 * the database: HMAC-SHA-256 under a per-installation key, since they hold emails and client
 * addresses (a plain hash of a known email is easy to find). Recent results are kept: a check
 * while some key is blocked costs a map lookup, not an HMAC (about 2 µs).
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
