import type { ExpressionBuilder, Kysely } from 'kysely';
import type { DatabaseKind } from './database.js';
import type { Database } from './schema.js';

export interface ClaimedMail {
  id: string;
  payload: string;
  /** Counting the attempt this claim starts. */
  attempts: number;
  createdAt: number;
}

/** Due, and held by no courier (or by one whose lease ran out: it died or hung). */
function claimable(now: number) {
  return (eb: ExpressionBuilder<Database, 'mail_outbox'>) =>
    eb.and([eb('next_attempt_at', '<=', now), eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)])]);
}

// Account mail waiting to be sent (times in epoch milliseconds). The couriers of every instance
// share the table: a courier claims rows with a lease, so one row is sent by one courier at a time.
export class MailOutboxStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly kind: DatabaseKind,
  ) {}

  /** A new row, due at once. */
  async insert(row: { id: string; payload: string; createdAt: number }): Promise<void> {
    await this.db.insertInto('mail_outbox').values({ id: row.id, payload: row.payload, next_attempt_at: row.createdAt, created_at: row.createdAt }).execute();
  }

  /**
   * Takes up to `limit` claimable rows until `leaseUntil` and counts an attempt on each, in one
   * UPDATE. The condition is repeated on the updated rows themselves: of two instances racing for
   * a row, the second sees the first one's lease (PostgreSQL checks the condition again on the
   * row it waited for) and leaves it. On PostgreSQL, SKIP LOCKED lets the second take other rows
   * instead of waiting; SQLite has one writer at a time anyway.
   */
  async claimDue(now: number, leaseUntil: number, limit: number): Promise<ClaimedMail[]> {
    // Most polls find nothing: a plain read answers them without taking SQLite's write lock.
    if (!(await this.db.selectFrom('mail_outbox').select('id').where(claimable(now)).limit(1).executeTakeFirst())) return [];
    const candidates = this.db
      .selectFrom('mail_outbox')
      .select('id')
      .where(claimable(now))
      .orderBy('next_attempt_at')
      .limit(limit)
      .$if(this.kind === 'postgres', (query) => query.forUpdate().skipLocked());
    const rows = await this.db
      .updateTable('mail_outbox')
      .set((eb) => ({ lease_until: leaseUntil, attempts: eb('attempts', '+', 1) }))
      .where('id', 'in', candidates)
      .where(claimable(now))
      .returning(['id', 'payload', 'attempts', 'created_at'])
      .execute();
    return rows
      .map((row) => ({ id: row.id, payload: row.payload, attempts: Number(row.attempts), createdAt: Number(row.created_at) }))
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('mail_outbox').where('id', '=', id).execute();
  }

  /**
   * Ends a claim that failed: the row waits until `nextAttemptAt`. The claim is named by its
   * attempt count, so a courier whose lease ran out cannot undo a newer claim by another.
   */
  async reschedule(id: string, attempts: number, nextAttemptAt: number, lastError: string): Promise<boolean> {
    const result = await this.db
      .updateTable('mail_outbox')
      .set({ next_attempt_at: nextAttemptAt, lease_until: null, last_error: lastError })
      .where('id', '=', id)
      .where('attempts', '=', attempts)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
