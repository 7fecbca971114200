import { createHash } from 'node:crypto';
import type { SessionStore } from '../storage/session-store.js';
import { randomToken } from '../crypto/random.js';

export interface Session {
  /** SHA-256 of the id in the cookie: what the database keys on and what CSRF tokens bind to. */
  hash: string;
  userId: string;
  email: string;
  /** When the user last entered a password (OpenID Connect auth_time, for max_age later). */
  authTime: number;
  expiresAt: number;
  /** The session's public id (OpenID Connect `sid`), derived from the hash: it reveals nothing of the cookie. */
  sid: string;
}

export interface SessionLifetimes {
  /** Seconds from sign-in after which a session ends, however active. */
  absolute: number;
  /** Seconds without a request after which a session ends. */
  idle: number;
}

/** Writing last_seen_at on every request would turn every page view into a write. */
const TOUCH_INTERVAL_SECONDS = 60;
const SESSION_ID_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** OpenID Connect `sid` of a session: a hash of its hash, so that ID tokens never carry what the database keys on. */
export function sessionSid(sessionHash: string): string {
  return createHash('sha256').update(`sid:${sessionHash}`, 'utf8').digest('base64url');
}

export function hashSessionId(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('base64url');
}

/** Server-side sessions: the cookie holds a 256-bit random id, the database only its hash. */
export class SessionService {
  constructor(
    private readonly store: SessionStore,
    readonly lifetimes: SessionLifetimes,
  ) {}

  /** A new session with a new id: an id planted before sign-in never becomes signed in (session fixation). */
  async start(userId: string, now: number): Promise<{ id: string; hash: string }> {
    const id = randomToken(32);
    const hash = hashSessionId(id);
    await this.store.insert({ session_hash: hash, user_id: userId, auth_time: now, created_at: now, last_seen_at: now, expires_at: now + this.lifetimes.absolute });
    return { id, hash };
  }

  /** The live session of a cookie value, or undefined (unknown, expired, idle too long, or its user no longer active). */
  async find(id: string, now: number): Promise<Session | undefined> {
    if (!SESSION_ID_SHAPE.test(id)) return undefined;
    const hash = hashSessionId(id);
    const row = await this.store.find(hash);
    if (!row) return undefined;
    if (row.expires_at <= now || row.last_seen_at + this.lifetimes.idle <= now || row.status !== 'active') {
      await this.store.delete(hash);
      return undefined;
    }
    if (now - row.last_seen_at >= TOUCH_INTERVAL_SECONDS) await this.store.touch(hash, now);
    return { hash, userId: row.user_id, email: row.email, authTime: row.auth_time, expiresAt: row.expires_at, sid: sessionSid(hash) };
  }

  async end(hash: string): Promise<void> {
    await this.store.delete(hash);
  }

  async endAllFor(userId: string): Promise<number> {
    return this.store.deleteForUser(userId);
  }

  async pruneExpired(now: number, limit?: number): Promise<number> {
    return this.store.pruneExpired(now, now - this.lifetimes.idle, limit);
  }
}
