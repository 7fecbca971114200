import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { deleteBatch } from '@runnerly/database';
import { PRUNE_BATCH } from './prune-batch.js';

// A revoked token's jti is kept until the token expires (RFC 7009); afterwards expiry alone
// makes it inactive, so the row can go.
export class RevocationStore {
  constructor(private readonly db: Kysely<Database>) {}

  async revoke(jti: string, clientId: string, expiresAt: number): Promise<void> {
    await this.db
      .insertInto('revoked_tokens')
      .values({ jti, client_id: clientId, expires_at: expiresAt })
      .onConflict((conflict) => conflict.column('jti').doNothing())
      .execute();
  }

  async isRevoked(jti: string): Promise<boolean> {
    const row = await this.db.selectFrom('revoked_tokens').select('jti').where('jti', '=', jti).executeTakeFirst();
    return row !== undefined;
  }

  /** Deletes up to `limit` revocations of tokens that have expired anyway. */
  pruneExpired(now: number, limit = PRUNE_BATCH): Promise<number> {
    return deleteBatch(this.db, 'revoked_tokens', 'jti', (eb) => eb('expires_at', '<', now), limit);
  }
}
