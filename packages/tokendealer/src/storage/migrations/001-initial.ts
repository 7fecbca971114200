import type { Kysely, Migration } from 'kysely';

export const initial: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('clients')
      .addColumn('client_id', 'text', (col) => col.primaryKey())
      .addColumn('name', 'text', (col) => col.notNull())
      .addColumn('grant_types', 'text', (col) => col.notNull())
      .addColumn('scopes', 'text', (col) => col.notNull())
      .addColumn('audiences', 'text', (col) => col.notNull())
      .addColumn('auth_method', 'text', (col) => col.notNull())
      .addColumn('secret_hash', 'text')
      .addColumn('jwks', 'text')
      .addColumn('jwks_uri', 'text')
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      .execute();

    await db.schema
      .createTable('signing_keys')
      .addColumn('kid', 'text', (col) => col.primaryKey())
      .addColumn('alg', 'text', (col) => col.notNull())
      .addColumn('state', 'text', (col) => col.notNull())
      .addColumn('public_jwk', 'text', (col) => col.notNull())
      .addColumn('private_key', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('activated_at', 'bigint')
      .addColumn('retired_at', 'bigint')
      .execute();

    await db.schema
      .createTable('revoked_tokens')
      .addColumn('jti', 'text', (col) => col.primaryKey())
      .addColumn('client_id', 'text', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('revoked_tokens_expires_at').on('revoked_tokens').column('expires_at').execute();

    await db.schema
      .createTable('used_assertions')
      .addColumn('client_id', 'text', (col) => col.notNull())
      .addColumn('jti', 'text', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .addPrimaryKeyConstraint('used_assertions_pk', ['client_id', 'jti'])
      .execute();
    await db.schema.createIndex('used_assertions_expires_at').on('used_assertions').column('expires_at').execute();

    await db.schema
      .createTable('settings')
      .addColumn('name', 'text', (col) => col.primaryKey())
      .addColumn('value', 'text', (col) => col.notNull())
      .execute();

    await db.schema
      .createTable('change_revision')
      .addColumn('id', 'integer', (col) => col.primaryKey())
      .addColumn('revision', 'bigint', (col) => col.notNull().defaultTo(0))
      .execute();
    await (db as Kysely<{ change_revision: { id: number } }>).insertInto('change_revision').values({ id: 1 }).execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['change_revision', 'settings', 'used_assertions', 'revoked_tokens', 'signing_keys', 'clients']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
