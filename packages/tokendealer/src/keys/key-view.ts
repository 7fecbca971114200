import type { StoredKey } from '../storage/key-store.js';
import { isPublished } from './key-ring.js';

export interface KeyView {
  kid: string;
  alg: string;
  state: StoredKey['state'];
  published: boolean;
  created_at: string;
  activated_at: string | null;
  retired_at: string | null;
}

const iso = (seconds: number | null): string | null => (seconds === null ? null : new Date(seconds * 1000).toISOString());

/** What operators see of a key: never the private part. */
export function viewKey(key: StoredKey, now: number, accessTokenTtl: number): KeyView {
  return {
    kid: key.kid,
    alg: key.alg,
    state: key.state,
    published: isPublished(key, now, accessTokenTtl),
    created_at: iso(key.created_at)!,
    activated_at: iso(key.activated_at),
    retired_at: iso(key.retired_at),
  };
}
