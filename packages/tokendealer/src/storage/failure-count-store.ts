import type { ExpressionBuilder, Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from './schema.js';
import { deleteBatch } from '@runnerly/database';
import { PRUNE_BATCH } from './prune-batch.js';

/** Failures of one key to add to its shared count. */
export interface FailureIncrement {
  keyHash: string;
  /** The key's kind (see throttle-key.ts), which fixes its limit; stored in clear, it names nobody. */
  kind: string;
  /** Keyed hashes of whom the failures name and of the address, for `tokendealer throttle clear`; null when the key has none. */
  subjectHash: string | null;
  addressHash: string | null;
  /** Failures counted since the last write of this key. */
  count: number;
  /** The limit of the key's kind: the same for every write of the key. */
  limit: number;
  /** When a window started by this write ends. */
  windowEnd: number;
}

export interface SharedBlock {
  keyHash: string;
  blockedUntil: number;
}

/** A key blocked, or cleared by an operator (blockedUntil null), at a block revision. */
export interface BlockChange {
  keyHash: string;
  blockedUntil: number | null;
  revision: number;
}

/** Where a reader of block changes stands: after this revision, or within it after this key. */
export interface BlockCursor {
  revision: number;
  /** null: past every key of the revision. */
  keyHash: string | null;
}

/** What an operator clears: the keys naming this subject and/or this address; neither: every key. */
export interface ClearFilter {
  subjectHash?: string;
  addressHash?: string;
}

export interface ClearedKind {
  /** null for keys written before kinds were stored. */
  kind: string | null;
  keys: number;
  /** How many of them were blocked. */
  blocked: number;
}

/** Rows per statement: bounded well below the parameter limits of both databases. */
export const MAX_ROWS_PER_STATEMENT = 500;

// Failure counts shared by the instances on the database (times in epoch milliseconds). Counts go
// up by atomic upserts, many keys per statement; the keys that reach their limit are blocked with
// the next block revision, in the transaction that takes the revision, so that readers paging by
// (revision, key) see the blocks in commit order and miss none. A key's limit is the limit of its
// kind (kinds are part of the keys, see throttle-key.ts): every write of a key carries the same
// limit as long as the instances share their limit options; with differing options, the lowest
// limit any writer passes blocks the key for all. An operator's clear resets counts to zero and
// takes a block revision too, with blocked_until null, so that the instances drop the key's
// blocks (and their own windows of it) at their next poll.
export class FailureCountStore {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Adds failures to the keys' counts, in one statement: each key's count grows in its window, or
   * starts a new window when the stored one has ended. The keys whose count reaches their limit
   * are then blocked until their window ends, in one transaction. Returns the blocks of these keys:
   * by this write, or by an earlier one (a key blocked at once by another instance is learned at
   * the next poll).
   */
  async addAll(increments: readonly FailureIncrement[], now: number): Promise<SharedBlock[]> {
    if (increments.length === 0) return [];
    if (increments.length > MAX_ROWS_PER_STATEMENT) throw new Error(`at most ${MAX_ROWS_PER_STATEMENT} increments per write`);
    // One order for every writer: concurrent upserts of the same keys lock their rows in the same order.
    const sorted = [...increments].sort((a, b) => (a.keyHash < b.keyHash ? -1 : a.keyHash > b.keyHash ? 1 : 0));
    const rows = await this.db
      .insertInto('failure_counts')
      .values(
        sorted.map((increment) => ({
          key_hash: increment.keyHash,
          kind: increment.kind,
          subject_hash: increment.subjectHash,
          address_hash: increment.addressHash,
          count: increment.count,
          window_end: increment.windowEnd,
          blocked_until: null,
          block_revision: null,
        })),
      )
      .onConflict((conflict) =>
        conflict.column('key_hash').doUpdateSet((eb) => {
          // The stored window has ended: this write starts a new one.
          const ended = eb('failure_counts.window_end', '<=', now);
          return {
            count: eb.case().when(ended).then(eb.ref('excluded.count')).else(eb('failure_counts.count', '+', eb.ref('excluded.count'))).end(),
            window_end: eb.case().when(ended).then(eb.ref('excluded.window_end')).else(eb.ref('failure_counts.window_end')).end(),
            blocked_until: eb.case().when(ended).then(sql<null>`null`).else(eb.ref('failure_counts.blocked_until')).end(),
            block_revision: eb.case().when(ended).then(sql<null>`null`).else(eb.ref('failure_counts.block_revision')).end(),
            // Rows written before these were stored get them now.
            kind: eb.ref('excluded.kind'),
            subject_hash: eb.ref('excluded.subject_hash'),
            address_hash: eb.ref('excluded.address_hash'),
          };
        }),
      )
      .returning(['key_hash', 'count', 'window_end', 'blocked_until'])
      .execute();
    const limits = new Map(increments.map((increment) => [increment.keyHash, increment.limit]));
    const blocks: SharedBlock[] = [];
    /** Keys at their limit and not yet blocked, by limit. */
    const toBlock = new Map<number, string[]>();
    for (const row of rows) {
      if (row.blocked_until !== null) {
        blocks.push({ keyHash: row.key_hash, blockedUntil: Number(row.blocked_until) });
        continue;
      }
      const limit = limits.get(row.key_hash)!;
      if (Number(row.count) >= limit) toBlock.set(limit, [...(toBlock.get(limit) ?? []), row.key_hash]);
    }
    if (toBlock.size === 0) return blocks;
    await this.db.transaction().execute(async (trx) => {
      const revision = await nextRevision(trx);
      for (const [limit, keyHashes] of toBlock) {
        // Still at the limit in a live window: not cleared by an operator meanwhile, nor blocked
        // by another instance (whose block stands).
        const blocked = await trx
          .updateTable('failure_counts')
          .set((eb) => ({ blocked_until: eb.ref('window_end'), block_revision: revision }))
          .where('key_hash', 'in', keyHashes)
          .where('blocked_until', 'is', null)
          .where('count', '>=', limit)
          .where('window_end', '>', now)
          .returning(['key_hash', 'blocked_until'])
          .execute();
        for (const row of blocked) blocks.push({ keyHash: row.key_hash, blockedUntil: Number(row.blocked_until) });
      }
    });
    return blocks;
  }

  /** The newest block revision taken. */
  async latestRevision(): Promise<number> {
    const row = await this.db.selectFrom('failure_block_revision').select('revision').where('id', '=', 1).executeTakeFirstOrThrow();
    return Number(row.revision);
  }

  /**
   * Blocks given and clears made after the cursor, oldest first: what an instance that knows the
   * blocks up to the cursor must learn.
   */
  async changesAfter(after: BlockCursor, limit: number): Promise<BlockChange[]> {
    const rows = await this.db
      .selectFrom('failure_counts')
      .select(['key_hash', 'blocked_until', 'block_revision'])
      .where((eb) => afterCursor(eb, after))
      .orderBy('block_revision')
      .orderBy('key_hash')
      .limit(limit)
      .execute();
    return rows.map(toChange);
  }

  /**
   * The blocks still live at `now` given up to revision `upTo`, after the cursor, oldest first:
   * what a starting instance must know (ended blocks and clears concern only instances that knew
   * the keys before). Paging by (revision, key) stays exact: a block skipped as ended stays ended.
   */
  async liveBlocks(upTo: number, after: BlockCursor, now: number, limit: number): Promise<BlockChange[]> {
    const rows = await this.db
      .selectFrom('failure_counts')
      .select(['key_hash', 'blocked_until', 'block_revision'])
      .where((eb) => afterCursor(eb, after))
      .where('block_revision', '<=', upTo)
      .where('blocked_until', '>', now)
      .orderBy('block_revision')
      .orderBy('key_hash')
      .limit(limit)
      .execute();
    return rows.map(toChange);
  }

  /**
   * Clears the counts and blocks of the keys that match, in live windows: their counts start
   * again from zero, and the clear takes a block revision, so that every instance drops their
   * blocks at its next poll. The rows stay until their window ends (as pruneEnded goes). Returns
   * what was cleared, by kind.
   */
  async clear(filter: ClearFilter, now: number): Promise<ClearedKind[]> {
    const matches = (eb: ExpressionBuilder<Database, 'failure_counts'>) =>
      eb.and([
        eb('window_end', '>', now),
        // Already cleared and not failed since: nothing to clear.
        eb.or([eb('count', '>', 0), eb('blocked_until', 'is not', null)]),
        ...(filter.subjectHash === undefined ? [] : [eb('subject_hash', '=', filter.subjectHash)]),
        ...(filter.addressHash === undefined ? [] : [eb('address_hash', '=', filter.addressHash)]),
      ]);
    return this.db.transaction().execute(async (trx) => {
      const kinds = await trx
        .selectFrom('failure_counts')
        .select((eb) => ['kind', eb.fn.countAll<number>().as('keys'), eb.fn.count<number>('blocked_until').as('blocked')])
        .where(matches)
        .groupBy('kind')
        .orderBy('kind')
        .execute();
      if (kinds.length === 0) return [];
      const revision = await nextRevision(trx);
      await trx.updateTable('failure_counts').set({ count: 0, blocked_until: null, block_revision: revision }).where(matches).execute();
      return kinds.map((row) => ({ kind: row.kind, keys: Number(row.keys), blocked: Number(row.blocked) }));
    });
  }

  /** Drops the counts whose window has ended (their blocks ended with it). */
  pruneEnded(now: number, limit = PRUNE_BATCH): Promise<number> {
    return deleteBatch(this.db, 'failure_counts', 'key_hash', (eb) => eb('window_end', '<=', now), limit);
  }
}

/** Takes the next block revision; the row stays locked until the caller's transaction ends, so revisions commit in order. */
async function nextRevision(trx: Kysely<Database>): Promise<number> {
  const { revision } = await trx
    .updateTable('failure_block_revision')
    .set({ revision: sql`revision + 1` })
    .where('id', '=', 1)
    .returning('revision')
    .executeTakeFirstOrThrow();
  return Number(revision);
}

function afterCursor(eb: ExpressionBuilder<Database, 'failure_counts'>, after: BlockCursor) {
  if (after.keyHash === null) return eb('block_revision', '>', after.revision);
  // The first condition alone is what the (block_revision, key_hash) index answers.
  return eb.and([eb('block_revision', '>=', after.revision), eb.or([eb('block_revision', '>', after.revision), eb('key_hash', '>', after.keyHash)])]);
}

function toChange(row: { key_hash: string; blocked_until: number | null; block_revision: number | null }): BlockChange {
  return { keyHash: row.key_hash, blockedUntil: row.blocked_until === null ? null : Number(row.blocked_until), revision: Number(row.block_revision) };
}
