import type { Kysely, Migration } from 'kysely';

export const sessions: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('sessions')
      .addColumn('id_hash', 'text', (col) => col.primaryKey())
      .addColumn('user_id', 'text', (col) => col.notNull())
      .addColumn('email', 'text')
      .addColumn('name', 'text')
      .addColumn('access_token', 'text', (col) => col.notNull())
      .addColumn('access_expires_at', 'bigint', (col) => col.notNull())
      .addColumn('refresh_token', 'text')
      .addColumn('id_token', 'text')
      .addColumn('csrf_token', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('last_seen_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('sessions_expires_at').on('sessions').column('expires_at').execute();
    await db.schema
      .createTable('login_attempts')
      .addColumn('state_hash', 'text', (col) => col.primaryKey())
      .addColumn('browser_hash', 'text', (col) => col.notNull())
      .addColumn('code_verifier', 'text', (col) => col.notNull())
      .addColumn('nonce', 'text', (col) => col.notNull())
      .addColumn('return_to', 'text', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .execute();
  },
};
