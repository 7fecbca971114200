import type { Kysely, Migration } from 'kysely';

// Three-legged OAuth: redirect URIs and policies per client, authorization codes, refresh token
// families (rotation and reuse detection), and the access tokens issued from them (so that a
// replayed code or refresh token can revoke everything it led to).
export const authorizationCodeGrant: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('clients').addColumn('redirect_uris', 'text', (col) => col.notNull().defaultTo('[]')).execute();
    await db.schema.alterTable('clients').addColumn('allowed_origins', 'text', (col) => col.notNull().defaultTo('[]')).execute();
    await db.schema.alterTable('clients').addColumn('require_par', 'integer', (col) => col.notNull().defaultTo(0)).execute();
    await db.schema.alterTable('clients').addColumn('rotate_refresh_tokens', 'integer', (col) => col.notNull().defaultTo(1)).execute();

    await db.schema
      .createTable('authorization_codes')
      .addColumn('code_hash', 'text', (col) => col.primaryKey())
      .addColumn('client_id', 'text', (col) => col.notNull())
      .addColumn('user_id', 'text', (col) => col.notNull())
      .addColumn('redirect_uri', 'text', (col) => col.notNull())
      .addColumn('scopes', 'text', (col) => col.notNull())
      .addColumn('audience', 'text', (col) => col.notNull())
      .addColumn('code_challenge', 'text')
      .addColumn('auth_time', 'bigint', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .addColumn('used_at', 'bigint')
      .addColumn('family_id', 'text')
      .execute();
    await db.schema.createIndex('authorization_codes_expires_at').on('authorization_codes').column('expires_at').execute();

    await db.schema
      .createTable('refresh_families')
      .addColumn('family_id', 'text', (col) => col.primaryKey())
      .addColumn('client_id', 'text', (col) => col.notNull())
      .addColumn('user_id', 'text', (col) => col.notNull())
      .addColumn('scopes', 'text', (col) => col.notNull())
      .addColumn('audience', 'text', (col) => col.notNull())
      .addColumn('auth_time', 'bigint', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .addColumn('revoked_at', 'bigint')
      .execute();
    await db.schema.createIndex('refresh_families_user_client').on('refresh_families').columns(['user_id', 'client_id']).execute();
    await db.schema.createIndex('refresh_families_expires_at').on('refresh_families').column('expires_at').execute();

    await db.schema
      .createTable('refresh_tokens')
      .addColumn('token_hash', 'text', (col) => col.primaryKey())
      .addColumn('family_id', 'text', (col) => col.notNull().references('refresh_families.family_id').onDelete('cascade'))
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('idle_expires_at', 'bigint', (col) => col.notNull())
      .addColumn('rotated_at', 'bigint')
      .execute();
    await db.schema.createIndex('refresh_tokens_family_id').on('refresh_tokens').column('family_id').execute();

    await db.schema
      .createTable('family_access_tokens')
      .addColumn('jti', 'text', (col) => col.primaryKey())
      .addColumn('family_id', 'text', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('family_access_tokens_family_id').on('family_access_tokens').column('family_id').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['family_access_tokens', 'refresh_tokens', 'refresh_families', 'authorization_codes']) await db.schema.dropTable(table).execute();
    for (const column of ['rotate_refresh_tokens', 'require_par', 'allowed_origins', 'redirect_uris']) {
      await db.schema.alterTable('clients').dropColumn(column).execute();
    }
  },
};
