import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from './schema.js';

/** Failures of one key to add to its shared count. */
export interface FailureIncrement {
  keyHash: string;
  /** Failures counted since the last write of this key. */
  count: number;
  limit: number;
  /** When a window started by this write ends. */
  windowEnd: number;
}

export interface SharedBlock {
  keyHash: string;
  blockedUntil: number;
}

export interface RevisedBlock extends SharedBlock {
  revision: number;
}

// Failure counts shared by the instances on the database (times in epoch milliseconds). Counts go
// up by atomic upserts; a key that reaches its limit is blocked with the next block revision, in
// the same transaction that takes the revision, so instances polling for newer revisions see the
// blocks in commit order (as with change_revision) and miss none.
export class FailureCountStore {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Adds failures to the key's count in its window (or starts a new window when the stored one has
   * ended) and, when the count reaches the limit, blocks the key until the window ends. Returns
   * the block when the key is blocked, by this write or an earlier one.
   */
  async add(increment: FailureIncrement, now: number): Promise<SharedBlock | undefined> {
    const { keyHash, count, limit, windowEnd } = increment;
    const row = await this.db
      .insertInto('failure_counts')
      .values({ key_hash: keyHash, count, window_end: windowEnd, blocked_until: null, block_revision: null })
      .onConflict((conflict) =>
        conflict.column('key_hash').doUpdateSet((eb) => {
          // The stored window has ended: this write starts a new one.
          const ended = eb('failure_counts.window_end', '<=', now);
          return {
            count: eb.case().when(ended).then(eb.ref('excluded.count')).else(eb('failure_counts.count', '+', eb.ref('excluded.count'))).end(),
            window_end: eb.case().when(ended).then(eb.ref('excluded.window_end')).else(eb.ref('failure_counts.window_end')).end(),
            blocked_until: eb.case().when(ended).then(sql<null>`null`).else(eb.ref('failure_counts.blocked_until')).end(),
            block_revision: eb.case().when(ended).then(sql<null>`null`).else(eb.ref('failure_counts.block_revision')).end(),
          };
        }),
      )
      .returning(['count', 'window_end', 'blocked_until'])
      .executeTakeFirstOrThrow();
    const end = Number(row.window_end);
    if (row.blocked_until !== null) return { keyHash, blockedUntil: Number(row.blocked_until) };
    if (Number(row.count) < limit) return undefined;
    await this.db.transaction().execute(async (trx) => {
      const { revision } = await trx
        .updateTable('failure_block_revision')
        .set({ revision: sql`revision + 1` })
        .where('id', '=', 1)
        .returning('revision')
        .executeTakeFirstOrThrow();
      // Whoever else reached the limit at the same time may have blocked it first: that stands.
      await trx
        .updateTable('failure_counts')
        .set({ blocked_until: end, block_revision: Number(revision) })
        .where('key_hash', '=', keyHash)
        .where('window_end', '=', end)
        .where('blocked_until', 'is', null)
        .execute();
    });
    return { keyHash, blockedUntil: end };
  }

  /** Blocks given after `revision`, oldest first (ended ones too: the caller moves past them). */
  async blocksAfter(revision: number, limit: number): Promise<RevisedBlock[]> {
    const rows = await this.db
      .selectFrom('failure_counts')
      .select(['key_hash', 'blocked_until', 'block_revision'])
      .where('block_revision', '>', revision)
      .orderBy('block_revision')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ keyHash: row.key_hash, blockedUntil: Number(row.blocked_until), revision: Number(row.block_revision) }));
  }

  /** Drops the counts whose window has ended (their blocks ended with it). */
  async pruneEnded(now: number): Promise<number> {
    const result = await this.db.deleteFrom('failure_counts').where('window_end', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
