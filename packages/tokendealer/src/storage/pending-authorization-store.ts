import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { deleteBatch } from '@runnerly/database';
import { PRUNE_BATCH } from './prune-batch.js';

// Authorization requests waiting for the user's answer on the consent page, keyed by the
// SHA-256 of the id in the form and bound to the session that was shown the page.
export class PendingAuthorizationStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(pending: { pendingHash: string; sessionHash: string; request: unknown; createdAt: number; expiresAt: number }): Promise<void> {
    await this.db
      .insertInto('pending_authorizations')
      .values({
        pending_hash: pending.pendingHash,
        session_hash: pending.sessionHash,
        request: JSON.stringify(pending.request),
        created_at: pending.createdAt,
        expires_at: pending.expiresAt,
      })
      .execute();
  }

  /**
   * Deletes the pending request of this session and returns it, in one statement: of two
   * concurrent answers only one gets it. Another session's id finds nothing and spends nothing.
   */
  async take(pendingHash: string, sessionHash: string): Promise<{ request: unknown; expiresAt: number } | undefined> {
    const row = await this.db
      .deleteFrom('pending_authorizations')
      .where('pending_hash', '=', pendingHash)
      .where('session_hash', '=', sessionHash)
      .returning(['request', 'expires_at'])
      .executeTakeFirst();
    return row ? { request: JSON.parse(row.request) as unknown, expiresAt: Number(row.expires_at) } : undefined;
  }

  pruneExpired(now: number, limit = PRUNE_BATCH): Promise<number> {
    return deleteBatch(this.db, 'pending_authorizations', 'pending_hash', (eb) => eb('expires_at', '<=', now), limit);
  }
}
