import type { Kysely, Migration } from 'kysely';

// The access token issued from an authorization code, recorded on the code (with or without a
// refresh token family), so that a replayed code revokes it too.
export const codeAccessToken: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('authorization_codes').addColumn('access_jti', 'text').execute();
    await db.schema.alterTable('authorization_codes').addColumn('access_expires_at', 'bigint').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const column of ['access_expires_at', 'access_jti']) await db.schema.alterTable('authorization_codes').dropColumn(column).execute();
  },
};
