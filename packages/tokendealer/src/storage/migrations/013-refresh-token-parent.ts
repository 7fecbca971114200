import type { Kysely, Migration } from 'kysely';

// Which token each refresh token replaced: once a successor has itself been used, any later use of
// its parent is a replay (RFC 9700 section 4.14.2), even inside the grace period. Tokens issued
// before this migration have no parent recorded.
export const refreshTokenParent: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('refresh_tokens').addColumn('parent_hash', 'text').execute();
    await db.schema.createIndex('refresh_tokens_parent_hash').on('refresh_tokens').column('parent_hash').where('parent_hash', 'is not', null).execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('refresh_tokens_parent_hash').execute();
    await db.schema.alterTable('refresh_tokens').dropColumn('parent_hash').execute();
  },
};
