import type { Kysely, Migration } from 'kysely';

// Failure counts shared by every instance on the database, so that N instances behind a load
// balancer do not give an attacker N times the budget, and a restart forgets nothing. Times here
// are epoch milliseconds, like the in-memory windows they mirror.
export const failureCounts: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('failure_counts')
      // Keyed hash of the throttle key: the keys hold emails and client addresses.
      .addColumn('key_hash', 'text', (col) => col.primaryKey())
      .addColumn('count', 'integer', (col) => col.notNull())
      .addColumn('window_end', 'bigint', (col) => col.notNull())
      // Set once the count reached its limit in this window: refused until then, everywhere.
      .addColumn('blocked_until', 'bigint')
      // When it was blocked, in the order of failure_block_revision: instances poll for what is newer.
      .addColumn('block_revision', 'bigint')
      .execute();
    await db.schema.createIndex('failure_counts_window_end').on('failure_counts').column('window_end').execute();
    // Most keys are never blocked: the poll's index holds only those that are.
    await db.schema
      .createIndex('failure_counts_block_revision')
      .on('failure_counts')
      .column('block_revision')
      .where('block_revision', 'is not', null)
      .execute();

    await db.schema
      .createTable('failure_block_revision')
      .addColumn('id', 'integer', (col) => col.primaryKey())
      .addColumn('revision', 'bigint', (col) => col.notNull().defaultTo(0))
      .execute();
    await (db as Kysely<{ failure_block_revision: { id: number } }>).insertInto('failure_block_revision').values({ id: 1 }).execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('failure_block_revision').execute();
    await db.schema.dropTable('failure_counts').execute();
  },
};
