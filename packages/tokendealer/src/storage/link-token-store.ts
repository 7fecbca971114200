import type { Kysely } from 'kysely';
import type { Database, LinkTokensTable } from './schema.js';
import { deleteBatch } from '@runnerly/database';
import { PRUNE_BATCH } from './prune-batch.js';

export type StoredLinkToken = LinkTokensTable;

// The single-use links mailed to users (email confirmation, password reset), keyed by the
// SHA-256 of the token.
export class LinkTokenStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(token: StoredLinkToken): Promise<void> {
    await this.db.insertInto('link_tokens').values(token).execute();
  }

  /**
   * Deletes the token and returns what it was, in one statement: of two concurrent uses, only
   * one gets the row. An expired token is deleted too; the caller checks `expires_at`.
   */
  async consume(tokenHash: string, purpose: StoredLinkToken['purpose']): Promise<{ userId: string; expiresAt: number; passwordHash: string | null } | undefined> {
    const row = await this.db
      .deleteFrom('link_tokens')
      .where('token_hash', '=', tokenHash)
      .where('purpose', '=', purpose)
      .returning(['user_id', 'expires_at', 'password_hash'])
      .executeTakeFirst();
    return row ? { userId: row.user_id, expiresAt: Number(row.expires_at), passwordHash: row.password_hash } : undefined;
  }

  /**
   * What a token is for (its user, its expiry, and the password hash a confirmation link carries),
   * without using it up: to check a form before the link is spent. The caller checks `expires_at`.
   */
  async peek(tokenHash: string, purpose: StoredLinkToken['purpose']): Promise<{ userId: string; expiresAt: number; passwordHash: string | null } | undefined> {
    const row = await this.db
      .selectFrom('link_tokens')
      .select(['user_id', 'expires_at', 'password_hash'])
      .where('token_hash', '=', tokenHash)
      .where('purpose', '=', purpose)
      .executeTakeFirst();
    return row ? { userId: row.user_id, expiresAt: Number(row.expires_at), passwordHash: row.password_hash } : undefined;
  }

  pruneExpired(now: number, limit = PRUNE_BATCH): Promise<number> {
    return deleteBatch(this.db, 'link_tokens', 'token_hash', (eb) => eb('expires_at', '<=', now), limit);
  }
}
