import type { Kysely, Migration } from 'kysely';

// When a rotated refresh token, presented again within the grace period, got its one extra
// successor: a further use of it revokes the family instead of starting yet another chain.
export const refreshGraceSuccessor: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('refresh_tokens').addColumn('grace_successor_at', 'bigint').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('refresh_tokens').dropColumn('grace_successor_at').execute();
  },
};
