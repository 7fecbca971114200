import type { Kysely, Migration } from 'kysely';

export const plans: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('plans')
      .addColumn('user_id', 'text', (col) => col.primaryKey())
      .addColumn('id', 'text', (col) => col.notNull().unique())
      .addColumn('template_id', 'text', (col) => col.notNull())
      .addColumn('race_id', 'text', (col) => col.notNull())
      .addColumn('race_name', 'text', (col) => col.notNull())
      .addColumn('race_date', 'text', (col) => col.notNull())
      .addColumn('race_distance', 'double precision', (col) => col.notNull())
      .addColumn('base_weekly', 'double precision', (col) => col.notNull())
      .addColumn('weeks', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      .execute();
  },
};
