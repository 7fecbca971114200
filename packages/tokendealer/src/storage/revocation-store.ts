import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

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

  async pruneExpired(now: number): Promise<number> {
    const result = await this.db.deleteFrom('revoked_tokens').where('expires_at', '<', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
