import type { Kysely, Migration } from 'kysely';

// User accounts, their server-side sessions and the single-use links mailed to them.
export const accounts: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('users')
      .addColumn('user_id', 'text', (col) => col.primaryKey())
      .addColumn('email', 'text', (col) => col.notNull())
      // The email folded to lower case: one account per address, whatever case it is typed in.
      .addColumn('email_key', 'text', (col) => col.notNull().unique())
      .addColumn('password_hash', 'text', (col) => col.notNull())
      .addColumn('status', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('confirmed_at', 'bigint')
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      .execute();

    await db.schema
      .createTable('sessions')
      .addColumn('session_hash', 'text', (col) => col.primaryKey())
      .addColumn('user_id', 'text', (col) => col.notNull().references('users.user_id').onDelete('cascade'))
      .addColumn('auth_time', 'bigint', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('last_seen_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('sessions_user_id').on('sessions').column('user_id').execute();
    await db.schema.createIndex('sessions_expires_at').on('sessions').column('expires_at').execute();

    await db.schema
      .createTable('link_tokens')
      .addColumn('token_hash', 'text', (col) => col.primaryKey())
      .addColumn('purpose', 'text', (col) => col.notNull())
      .addColumn('user_id', 'text', (col) => col.notNull().references('users.user_id').onDelete('cascade'))
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('link_tokens_user_id').on('link_tokens').column('user_id').execute();
    await db.schema.createIndex('link_tokens_expires_at').on('link_tokens').column('expires_at').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['link_tokens', 'sessions', 'users']) await db.schema.dropTable(table).execute();
  },
};
