import type { Kysely, Migration } from 'kysely';

// The authorization endpoint: pushed authorization requests (RFC 9126), authorization requests
// waiting for the user's consent (bound to a session), and the consents users have given.
export const authorizationEndpoint: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('pushed_authorization_requests')
      .addColumn('request_hash', 'text', (col) => col.primaryKey())
      .addColumn('client_id', 'text', (col) => col.notNull())
      .addColumn('parameters', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .addColumn('used_at', 'bigint')
      .execute();
    await db.schema.createIndex('pushed_authorization_requests_expires_at').on('pushed_authorization_requests').column('expires_at').execute();

    await db.schema
      .createTable('pending_authorizations')
      .addColumn('pending_hash', 'text', (col) => col.primaryKey())
      .addColumn('session_hash', 'text', (col) => col.notNull().references('sessions.session_hash').onDelete('cascade'))
      .addColumn('request', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('pending_authorizations_session_hash').on('pending_authorizations').column('session_hash').execute();
    await db.schema.createIndex('pending_authorizations_expires_at').on('pending_authorizations').column('expires_at').execute();

    await db.schema
      .createTable('consents')
      .addColumn('user_id', 'text', (col) => col.notNull().references('users.user_id').onDelete('cascade'))
      .addColumn('client_id', 'text', (col) => col.notNull())
      .addColumn('scopes', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      .addPrimaryKeyConstraint('consents_pk', ['user_id', 'client_id'])
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['consents', 'pending_authorizations', 'pushed_authorization_requests']) await db.schema.dropTable(table).execute();
  },
};
