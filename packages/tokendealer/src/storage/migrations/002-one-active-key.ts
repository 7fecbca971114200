import { sql, type Kysely, type Migration } from 'kysely';

// At most one active and one next signing key, whatever processes race to create them.
export const oneActiveKey: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`create unique index signing_keys_one_per_state on signing_keys (state) where state in ('active', 'next')`.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql`drop index signing_keys_one_per_state`.execute(db);
  },
};
