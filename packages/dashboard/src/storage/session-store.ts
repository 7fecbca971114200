// Sessions and sign-ins in progress. Tokens are sealed before they reach this store's callers'
// rows; this file only moves rows.
import { deleteBatch, openMigratedDatabase, ping, staticMigrations, type DatabaseHandle, type SchemaCheckOptions } from '@runnerly/database';
import type { SweepTask } from '@runnerly/sweeper';
import { sessions } from './migrations/001-sessions.js';
import type { DashboardDatabase, LoginAttemptsTable, SessionsTable } from './schema.js';

export const MIGRATIONS = staticMigrations({ '001-sessions': sessions });

export class SessionStore {
  readonly #handle: DatabaseHandle<DashboardDatabase>;

  private constructor(handle: DatabaseHandle<DashboardDatabase>) {
    this.#handle = handle;
  }

  /** `apply: false` only checks that the migrations were applied (SchemaNotCurrentError if not, after `waitMs`). */
  static async open(url: string, options: SchemaCheckOptions = {}): Promise<SessionStore> {
    return new SessionStore(await openMigratedDatabase<DashboardDatabase>(url, MIGRATIONS, options));
  }

  ping(): Promise<void> {
    return ping(this.#handle.db);
  }

  async saveLoginAttempt(attempt: LoginAttemptsTable): Promise<void> {
    await this.#handle.db.insertInto('login_attempts').values(attempt).execute();
  }

  /** Takes a sign-in attempt once: a second callback with the same state finds nothing. */
  async takeLoginAttempt(stateHash: string, now: number): Promise<LoginAttemptsTable | undefined> {
    const attempt = await this.#handle.db.selectFrom('login_attempts').selectAll().where('state_hash', '=', stateHash).executeTakeFirst();
    if (!attempt) return undefined;
    const deleted = await this.#handle.db.deleteFrom('login_attempts').where('state_hash', '=', stateHash).executeTakeFirst();
    if (Number(deleted.numDeletedRows) !== 1 || attempt.expires_at <= now) return undefined;
    return attempt;
  }

  async createSession(session: SessionsTable): Promise<void> {
    await this.#handle.db.insertInto('sessions').values(session).execute();
  }

  async findSession(idHash: string, now: number, idleTimeout: number): Promise<SessionsTable | undefined> {
    const session = await this.#handle.db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
    if (!session || session.expires_at <= now || session.last_seen_at + idleTimeout <= now) return undefined;
    return session;
  }

  async touch(idHash: string, now: number): Promise<void> {
    await this.#handle.db.updateTable('sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute();
  }

  /**
   * Stores refreshed tokens only if the refresh token is still the one this refresh started from:
   * of two concurrent refreshes (two instances), one wins and the other reads the winner's tokens.
   */
  async replaceTokens(idHash: string, previousRefresh: string | null, tokens: Pick<SessionsTable, 'access_token' | 'access_expires_at' | 'refresh_token'>): Promise<boolean> {
    let query = this.#handle.db.updateTable('sessions').set(tokens).where('id_hash', '=', idHash);
    query = previousRefresh === null ? query.where('refresh_token', 'is', null) : query.where('refresh_token', '=', previousRefresh);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async deleteSession(idHash: string): Promise<SessionsTable | undefined> {
    const session = await this.#handle.db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
    await this.#handle.db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    return session;
  }

  /**
   * What the background sweeper deletes, in batches: ended sessions and abandoned sign-ins, so
   * the tables stay bounded by what is live. Times here are seconds; the sweeper's clock is ms.
   */
  expiredRowTasks(idleTimeout: number): SweepTask[] {
    const db = this.#handle.db;
    const seconds = (ms: number): number => Math.floor(ms / 1000);
    return [
      {
        name: 'sessions',
        sweep: (now, limit) => deleteBatch(db, 'sessions', 'id_hash', (eb) => eb.or([eb('expires_at', '<=', seconds(now)), eb('last_seen_at', '<=', seconds(now) - idleTimeout)]), limit),
      },
      { name: 'login_attempts', sweep: (now, limit) => deleteBatch(db, 'login_attempts', 'state_hash', (eb) => eb('expires_at', '<=', seconds(now)), limit) },
    ];
  }

  close(): Promise<void> {
    return this.#handle.close();
  }
}
