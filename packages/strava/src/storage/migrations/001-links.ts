import type { Kysely, Migration } from 'kysely';

export const links001: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('strava_links')
      .addColumn('sub', 'text', (c) => c.primaryKey())
      .addColumn('athlete_id', 'bigint', (c) => c.notNull().unique())
      .addColumn('link_id', 'text', (c) => c.notNull())
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('access_token', 'text', (c) => c.notNull())
      .addColumn('refresh_token', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('token_version', 'integer', (c) => c.notNull())
      .addColumn('refresh_lock_until', 'bigint')
      .addColumn('linked_at', 'bigint', (c) => c.notNull())
      .addColumn('history_before', 'bigint')
      .addColumn('history_done', 'integer', (c) => c.notNull())
      .addColumn('total', 'integer')
      .addColumn('newest_start', 'bigint')
      .addColumn('last_error', 'text')
      .addColumn('last_sync_at', 'bigint')
      .addColumn('paused_until', 'bigint')
      .execute();
    await db.schema
      .createTable('strava_imported_runs')
      .addColumn('sub', 'text', (c) => c.notNull())
      .addColumn('strava_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('strava_imported_runs_pk', ['sub', 'strava_id'])
      .execute();
    await db.schema
      .createTable('strava_link_states')
      .addColumn('state_hash', 'text', (c) => c.primaryKey())
      .addColumn('sub', 'text', (c) => c.notNull())
      .addColumn('return_to', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('strava_link_states_expiry').on('strava_link_states').column('expires_at').execute();
    await db.schema
      .createTable('strava_settings')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
  },
};
