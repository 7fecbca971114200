import type { Kysely } from 'kysely';
import type { Database, SigningKeysTable } from './schema.js';
import { bumpRevision } from './change-feed.js';
import { isUniqueViolation } from './unique-violation.js';

export type StoredKey = SigningKeysTable;

export interface KeyStateChange {
  kid: string;
  from: StoredKey['state'];
  to: StoredKey['state'];
  at: number;
}

export class ConcurrentKeyChangeError extends Error {}

export class KeyStore {
  constructor(private readonly db: Kysely<Database>) {}

  async list(): Promise<StoredKey[]> {
    const rows = await this.db.selectFrom('signing_keys').selectAll().orderBy('created_at').orderBy('kid').execute();
    return rows.map((row) => ({
      ...row,
      created_at: Number(row.created_at),
      activated_at: row.activated_at === null ? null : Number(row.activated_at),
      retired_at: row.retired_at === null ? null : Number(row.retired_at),
    }));
  }

  /**
   * Applies state changes, inserts and deletes in one transaction. A change whose key is no
   * longer in the expected state (another process rotated meanwhile) aborts the whole set.
   */
  async apply(changes: KeyStateChange[], inserts: StoredKey[], deletes: string[] = []): Promise<void> {
    try {
      await this.applyInTransaction(changes, inserts, deletes);
    } catch (error) {
      // At most one active and one next key (migration 002): another process got there first.
      if (isUniqueViolation(error)) throw new ConcurrentKeyChangeError('signing keys changed concurrently');
      throw error;
    }
  }

  private async applyInTransaction(changes: KeyStateChange[], inserts: StoredKey[], deletes: string[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const change of changes) {
        const result = await trx
          .updateTable('signing_keys')
          .set({
            state: change.to,
            ...(change.to === 'active' ? { activated_at: change.at } : {}),
            ...(change.to === 'retired' ? { retired_at: change.at } : {}),
          })
          .where('kid', '=', change.kid)
          .where('state', '=', change.from)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) throw new ConcurrentKeyChangeError(`key ${change.kid} changed concurrently`);
      }
      if (deletes.length > 0) await trx.deleteFrom('signing_keys').where('kid', 'in', deletes).execute();
      if (inserts.length > 0) await trx.insertInto('signing_keys').values(inserts).execute();
      await bumpRevision(trx);
    });
  }
}
