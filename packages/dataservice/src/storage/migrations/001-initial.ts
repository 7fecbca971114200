// Profiles, runs, races and race entries. The (user_sub, start_time, id) index serves the month,
// range, totals and cursor-paging queries of one runner without touching anyone else's rows.
import type { Kysely, Migration } from 'kysely';

export const initial: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations see the schema as it was then
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('profiles')
      .addColumn('sub', 'varchar(255)', (c) => c.primaryKey())
      .addColumn('display_name', 'varchar(100)')
      .addColumn('timezone', 'varchar(64)', (c) => c.notNull())
      .addColumn('units', 'varchar(2)', (c) => c.notNull())
      .addColumn('birth_year', 'integer')
      .addColumn('weight_kg', 'double precision')
      .addColumn('max_heartrate', 'integer')
      .addColumn('resting_heartrate', 'integer')
      .addColumn('email', 'varchar(254)')
      .addColumn('report_emails', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('runs')
      .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('user_sub', 'varchar(255)', (c) => c.notNull())
      .addColumn('source', 'varchar(16)', (c) => c.notNull())
      .addColumn('source_key', 'varchar(100)', (c) => c.notNull())
      .addColumn('strava_id', 'varchar(32)')
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('sport_type', 'varchar(40)', (c) => c.notNull())
      .addColumn('start_time', 'bigint', (c) => c.notNull())
      .addColumn('start_date_local', 'varchar(32)', (c) => c.notNull())
      .addColumn('timezone', 'varchar(64)', (c) => c.notNull())
      .addColumn('distance', 'double precision', (c) => c.notNull())
      .addColumn('moving_time', 'integer', (c) => c.notNull())
      .addColumn('elapsed_time', 'integer', (c) => c.notNull())
      .addColumn('total_elevation_gain', 'double precision', (c) => c.notNull())
      .addColumn('average_speed', 'double precision', (c) => c.notNull())
      .addColumn('max_speed', 'double precision')
      .addColumn('average_heartrate', 'double precision')
      .addColumn('max_heartrate', 'double precision')
      .addColumn('summary_polyline', 'text')
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('runs_user_start').on('runs').columns(['user_sub', 'start_time', 'id']).execute();
    // The identity of an imported run: importing it again finds this row instead of adding one.
    await db.schema.createIndex('runs_identity').unique().on('runs').columns(['user_sub', 'source', 'source_key']).execute();
    // Which runners ran in a month (the reports service's list), across all runners.
    await db.schema.createIndex('runs_start_user').on('runs').columns(['start_time', 'user_sub']).execute();

    await db.schema
      .createTable('races')
      .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(200)', (c) => c.notNull())
      .addColumn('date', 'varchar(10)', (c) => c.notNull())
      .addColumn('distance', 'double precision', (c) => c.notNull())
      .addColumn('location', 'varchar(200)')
      .addColumn('url', 'varchar(2048)')
      .addColumn('created_by', 'varchar(255)', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('races_date').on('races').columns(['date', 'id']).execute();

    await db.schema
      .createTable('race_entries')
      .addColumn('race_id', 'varchar(32)', (c) => c.notNull().references('races.id').onDelete('cascade'))
      .addColumn('user_sub', 'varchar(255)', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addPrimaryKeyConstraint('race_entries_pk', ['race_id', 'user_sub'])
      .execute();
  },
};
