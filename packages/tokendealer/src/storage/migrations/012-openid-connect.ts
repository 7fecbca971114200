import { sql, type Kysely, type Migration } from 'kysely';

// OpenID Connect: what clients register for it (post-logout redirect URIs, first party, the ID
// token algorithm), the profile claims of accounts, what an ID token must carry from the
// authorization request to the token endpoint and on refresh (nonce, session id, requested
// claims), and one active and one next signing key per algorithm (ID tokens need RS256 next to
// the access tokens' key).
export const openIdConnect: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // One column per statement: SQLite adds no more.
    await db.schema.alterTable('clients').addColumn('post_logout_redirect_uris', 'text', (col) => col.notNull().defaultTo('[]')).execute();
    await db.schema.alterTable('clients').addColumn('first_party', 'integer', (col) => col.notNull().defaultTo(0)).execute();
    await db.schema.alterTable('clients').addColumn('id_token_signed_response_alg', 'text').execute();
    await db.schema.alterTable('users').addColumn('name', 'text').execute();
    await db.schema.alterTable('users').addColumn('zoneinfo', 'text').execute();
    await db.schema.alterTable('users').addColumn('locale', 'text').execute();
    await db.schema.alterTable('authorization_codes').addColumn('nonce', 'text').execute();
    for (const table of ['authorization_codes', 'refresh_families']) {
      await db.schema.alterTable(table).addColumn('sid', 'text').execute();
      await db.schema.alterTable(table).addColumn('id_token_claims', 'text').execute();
    }
    await sql`drop index signing_keys_one_per_state`.execute(db);
    await sql`create unique index signing_keys_one_per_alg_state on signing_keys (alg, state) where state in ('active', 'next')`.execute(db);
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await sql`drop index signing_keys_one_per_alg_state`.execute(db);
    await sql`create unique index signing_keys_one_per_state on signing_keys (state) where state in ('active', 'next')`.execute(db);
    for (const table of ['refresh_families', 'authorization_codes']) {
      for (const column of ['id_token_claims', 'sid']) await db.schema.alterTable(table).dropColumn(column).execute();
    }
    await db.schema.alterTable('authorization_codes').dropColumn('nonce').execute();
    for (const column of ['locale', 'zoneinfo', 'name']) await db.schema.alterTable('users').dropColumn(column).execute();
    for (const column of ['id_token_signed_response_alg', 'first_party', 'post_logout_redirect_uris']) await db.schema.alterTable('clients').dropColumn(column).execute();
  },
};
