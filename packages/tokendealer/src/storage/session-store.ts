import type { Kysely } from 'kysely';
import type { Database, SessionsTable } from './schema.js';
import type { UserStatus } from '../accounts/user.js';
import { deleteBatch } from '@runnerly/database';
import { PRUNE_BATCH } from './prune-batch.js';

export type StoredSession = SessionsTable;

export interface SessionWithUser extends StoredSession {
  email: string;
  status: UserStatus;
}

// Server-side sessions, keyed by the SHA-256 of the id kept in the cookie.
export class SessionStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(session: StoredSession): Promise<void> {
    await this.db.insertInto('sessions').values(session).execute();
  }

  async find(sessionHash: string): Promise<SessionWithUser | undefined> {
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.user_id', 'sessions.user_id')
      .select([
        'sessions.session_hash',
        'sessions.user_id',
        'sessions.auth_time',
        'sessions.created_at',
        'sessions.last_seen_at',
        'sessions.expires_at',
        'users.email',
        'users.status',
      ])
      .where('sessions.session_hash', '=', sessionHash)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      ...row,
      auth_time: Number(row.auth_time),
      created_at: Number(row.created_at),
      last_seen_at: Number(row.last_seen_at),
      expires_at: Number(row.expires_at),
    };
  }

  async touch(sessionHash: string, now: number): Promise<void> {
    await this.db.updateTable('sessions').set({ last_seen_at: now }).where('session_hash', '=', sessionHash).execute();
  }

  async delete(sessionHash: string): Promise<boolean> {
    const result = await this.db.deleteFrom('sessions').where('session_hash', '=', sessionHash).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async deleteForUser(userId: string): Promise<number> {
    const result = await this.db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async countForUser(userId: string): Promise<number> {
    const row = await this.db.selectFrom('sessions').select((eb) => eb.fn.countAll<number>().as('count')).where('user_id', '=', userId).executeTakeFirstOrThrow();
    return Number(row.count);
  }

  /** Deletes sessions past their absolute lifetime or idle since before `idleSince`. */
  pruneExpired(now: number, idleSince: number, limit = PRUNE_BATCH): Promise<number> {
    return deleteBatch(this.db, 'sessions', 'session_hash', (eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<', idleSince)]), limit);
  }
}
