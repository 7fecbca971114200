// A single counter bumped in the same transaction as every client or key change, so that
// servers sharing the database notice changes made elsewhere (the CLI, another instance)
// with one cheap query.
import type { Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import type { Database } from './schema.js';

export async function bumpRevision(trx: Transaction<Database> | Kysely<Database>): Promise<void> {
  await trx.updateTable('change_revision').set({ revision: sql`revision + 1` }).where('id', '=', 1).execute();
}

export async function readRevision(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('change_revision').select('revision').where('id', '=', 1).executeTakeFirstOrThrow();
  return Number(row.revision);
}
