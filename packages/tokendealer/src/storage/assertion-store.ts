import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { deleteBatch } from '@runnerly/database';
import { PRUNE_BATCH } from './prune-batch.js';

// RFC 7523 section 3: a client assertion's jti is accepted once per client until it expires.
export class AssertionStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Records the jti; false when it was already used. */
  async markUsed(clientId: string, jti: string, expiresAt: number): Promise<boolean> {
    const result = await this.db
      .insertInto('used_assertions')
      .values({ client_id: clientId, jti, expires_at: expiresAt })
      .onConflict((conflict) => conflict.columns(['client_id', 'jti']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  /** Deletes up to `limit` assertion ids past their expiry (a later replay fails on its own `exp`). */
  pruneExpired(now: number, limit = PRUNE_BATCH): Promise<number> {
    return deleteBatch(this.db, 'used_assertions', ['client_id', 'jti'], (eb) => eb('expires_at', '<', now), limit);
  }
}
