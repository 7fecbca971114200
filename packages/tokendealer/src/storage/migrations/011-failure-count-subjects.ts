import type { Kysely, Migration } from 'kysely';

// What an operator needs to clear a lockout (`tokendealer throttle clear`) without the keys in
// clear: the kind of each key, and keyed hashes of whom it names (an email, a client) and of its
// address, so that "every key of this email", at whatever address, is one indexed lookup. Block
// revisions are now shared by every key blocked (or cleared) in one transaction: readers page by
// (revision, key).
export const failureCountSubjects: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // One column per statement: SQLite adds no more.
    await db.schema.alterTable('failure_counts').addColumn('kind', 'text').execute();
    await db.schema.alterTable('failure_counts').addColumn('subject_hash', 'text').execute();
    await db.schema.alterTable('failure_counts').addColumn('address_hash', 'text').execute();
    await db.schema.createIndex('failure_counts_subject_hash').on('failure_counts').column('subject_hash').where('subject_hash', 'is not', null).execute();
    await db.schema.createIndex('failure_counts_address_hash').on('failure_counts').column('address_hash').where('address_hash', 'is not', null).execute();
    await db.schema.dropIndex('failure_counts_block_revision').execute();
    await db.schema
      .createIndex('failure_counts_block_revision_key')
      .on('failure_counts')
      .columns(['block_revision', 'key_hash'])
      .where('block_revision', 'is not', null)
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('failure_counts_block_revision_key').execute();
    await db.schema.createIndex('failure_counts_block_revision').on('failure_counts').column('block_revision').where('block_revision', 'is not', null).execute();
    await db.schema.dropIndex('failure_counts_address_hash').execute();
    await db.schema.dropIndex('failure_counts_subject_hash').execute();
    await db.schema.alterTable('failure_counts').dropColumn('address_hash').execute();
    await db.schema.alterTable('failure_counts').dropColumn('subject_hash').execute();
    await db.schema.alterTable('failure_counts').dropColumn('kind').execute();
  },
};
