import type { Kysely, Migration } from 'kysely';

// Account mail waiting to be sent (or sent again): a restart, a mail server down for a while or
// another instance taking over loses nothing. Times here are epoch milliseconds.
export const mailOutbox: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('mail_outbox')
      .addColumn('id', 'text', (col) => col.primaryKey())
      // The message as JSON, sealed under the master secret when one is configured: it carries a live link.
      .addColumn('payload', 'text', (col) => col.notNull())
      .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'bigint', (col) => col.notNull())
      // Until when an instance holds the row while sending it; afterwards (it died) anyone may take it.
      .addColumn('lease_until', 'bigint')
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('last_error', 'text')
      .execute();
    await db.schema.createIndex('mail_outbox_next_attempt_at').on('mail_outbox').column('next_attempt_at').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('mail_outbox').execute();
  },
};
