import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

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

  async pruneExpired(now: number): Promise<number> {
    const result = await this.db.deleteFrom('used_assertions').where('expires_at', '<', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
