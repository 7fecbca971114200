import type { Kysely, Migration } from 'kysely';

export const reports: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('report_months')
      .addColumn('month', 'text', (col) => col.primaryKey())
      .addColumn('state', 'text', (col) => col.notNull())
      .addColumn('cursor', 'text')
      .addColumn('lease_owner', 'text')
      .addColumn('lease_until', 'bigint')
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('finished_at', 'bigint')
      .execute();
    await db.schema
      .createTable('reports')
      .addColumn('user_id', 'text', (col) => col.notNull())
      .addColumn('month', 'text', (col) => col.notNull())
      .addColumn('report', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addPrimaryKeyConstraint('reports_pk', ['user_id', 'month'])
      .execute();
    await db.schema
      .createTable('deliveries')
      .addColumn('user_id', 'text', (col) => col.notNull())
      .addColumn('month', 'text', (col) => col.notNull())
      .addColumn('state', 'text', (col) => col.notNull())
      .addColumn('email', 'text')
      .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'bigint', (col) => col.notNull())
      .addColumn('lease_until', 'bigint')
      .addColumn('last_error', 'text')
      .addColumn('sent_at', 'bigint')
      .addPrimaryKeyConstraint('deliveries_pk', ['user_id', 'month'])
      .execute();
    await db.schema.createIndex('deliveries_due').on('deliveries').columns(['state', 'next_attempt_at']).execute();
    await db.schema.createTable('settings').addColumn('name', 'text', (col) => col.primaryKey()).addColumn('value', 'text', (col) => col.notNull()).execute();
  },
};
