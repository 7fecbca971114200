// Every query the database backend makes. Workers take jobs with a lease: a claim sets
// lease_until and counts a new claim, and every later write names that claim, so a worker
// whose lease ran out (it hung or lost its connection) cannot overwrite the job's newer run.
import { randomUUID } from 'node:crypto';
import { sql, type ExpressionBuilder, type Kysely, type Selectable } from 'kysely';
import type { JobState } from '../job.js';
import type { CheckedJobOptions } from '../job-input.js';
import type { JobRow, QueueDatabase, StoredState } from './schema.js';

export type StoredJob = Selectable<JobRow>;

type Where = ExpressionBuilder<QueueDatabase, 'job_queue_jobs'>;

/** Due and waiting, or active under a lease that ran out (its worker died or hung). */
function claimable(type: string, now: number) {
  return (eb: Where) =>
    eb.and([
      eb('type', '=', type),
      eb.or([
        eb.and([eb('state', '=', 'waiting'), eb('run_at', '<=', now)]),
        eb.and([eb('state', '=', 'active'), eb('lease_until', '<=', now)]),
      ]),
    ]);
}

/** The claim a worker holds: the job is still active under it. */
function heldBy(id: string, claims: number) {
  return (eb: Where) => eb.and([eb('id', '=', id), eb('claims', '=', claims), eb('state', '=', 'active')]);
}

/** The public states, in terms of the stored ones (a delayed job is a waiting one not yet due). */
function inStates(states: JobState[], now: number) {
  return (eb: Where) =>
    eb.or(
      states.map((state) => {
        if (state === 'waiting') return eb.and([eb('state', '=', 'waiting'), eb('run_at', '<=', now)]);
        if (state === 'delayed') return eb.and([eb('state', '=', 'waiting'), eb('run_at', '>', now)]);
        return eb('state', '=', state);
      }),
    );
}

/** PostgreSQL may hand bigint and count columns over as strings. */
function normalize(row: StoredJob): StoredJob {
  return {
    ...row,
    priority: Number(row.priority),
    attempts: Number(row.attempts),
    max_attempts: Number(row.max_attempts),
    run_at: Number(row.run_at),
    lease_until: row.lease_until === null ? null : Number(row.lease_until),
    claims: Number(row.claims),
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at),
    finished_at: row.finished_at === null ? null : Number(row.finished_at),
  };
}

export class JobStore {
  constructor(
    private readonly db: Kysely<QueueDatabase>,
    private readonly dialect: 'sqlite' | 'postgres',
  ) {}

  /** A new job, or the live one of the same type and key (then `created` is false). */
  async insert(type: string, payload: string, options: CheckedJobOptions, now: number): Promise<{ job: StoredJob; created: boolean }> {
    // The unique index on live (type, key) settles races between instances; the job found may
    // finish between our insert and our read, so try again then.
    for (;;) {
      const inserted = await this.db
        .insertInto('job_queue_jobs')
        .values({
          id: randomUUID(),
          type,
          key: options.key,
          payload,
          state: 'waiting',
          priority: options.priority,
          attempts: 0,
          max_attempts: options.maxAttempts,
          run_at: options.runAt,
          lease_until: null,
          claims: 0,
          last_error: null,
          created_at: now,
          updated_at: now,
          finished_at: null,
        })
        .onConflict((oc) => oc.doNothing())
        .returningAll()
        .executeTakeFirst();
      if (inserted) return { job: normalize(inserted), created: true };
      if (options.key === null) throw new Error('job id collision');
      const live = await this.db
        .selectFrom('job_queue_jobs')
        .selectAll()
        .where('type', '=', type)
        .where('key', '=', options.key)
        .where('state', 'in', ['waiting', 'active'])
        .executeTakeFirst();
      if (live) return { job: normalize(live), created: false };
    }
  }

  async get(id: string): Promise<StoredJob | null> {
    const row = await this.db.selectFrom('job_queue_jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? normalize(row) : null;
  }

  async list(filter: { type?: string; key?: string; states?: JobState[]; limit: number }, now: number): Promise<StoredJob[]> {
    const rows = await this.db
      .selectFrom('job_queue_jobs')
      .selectAll()
      .$if(filter.type !== undefined, (query) => query.where('type', '=', filter.type!))
      .$if(filter.key !== undefined, (query) => query.where('key', '=', filter.key!))
      .$if(filter.states !== undefined, (query) => query.where(inStates(filter.states!, now)))
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(filter.limit)
      .execute();
    return rows.map(normalize);
  }

  async counts(type: string | undefined, now: number): Promise<Record<JobState, number>> {
    const rows = await this.db
      .selectFrom('job_queue_jobs')
      .select((eb) => [
        'state',
        eb.case().when(eb.and([eb('state', '=', 'waiting'), eb('run_at', '>', now)])).then(1).else(0).end().as('delayed'),
        eb.fn.countAll().as('count'),
      ])
      .$if(type !== undefined, (query) => query.where('type', '=', type!))
      .groupBy(['state', 'delayed'])
      .execute();
    const counts: Record<JobState, number> = { waiting: 0, delayed: 0, active: 0, completed: 0, failed: 0 };
    for (const row of rows) {
      const state: JobState = Number(row.delayed) === 1 ? 'delayed' : (row.state as StoredState);
      counts[state] += Number(row.count);
    }
    return counts;
  }

  /**
   * Takes up to `limit` claimable jobs of a type until `leaseUntil`, counting an attempt on each,
   * in one UPDATE. The condition is repeated on the updated rows: of two instances racing for a
   * row, the second sees the first one's claim (PostgreSQL checks again on the row it waited
   * for) and leaves it. SKIP LOCKED lets it take other rows instead of waiting; SQLite has one
   * writer at a time anyway. On PostgreSQL the candidates are read into an array first: as an IN
   * subquery the planner may scan them again, and each scan skips other locked rows, taking more
   * than `limit`.
   */
  async claim(type: string, now: number, leaseUntil: number, limit: number): Promise<StoredJob[]> {
    // Most polls find nothing: a plain read answers them without taking SQLite's write lock.
    if (!(await this.db.selectFrom('job_queue_jobs').select('id').where(claimable(type, now)).limit(1).executeTakeFirst())) return [];
    const candidates = this.db
      .selectFrom('job_queue_jobs')
      .select('id')
      .where(claimable(type, now))
      .orderBy('priority')
      .orderBy('run_at')
      .limit(limit)
      .$if(this.dialect === 'postgres', (query) => query.forUpdate().skipLocked());
    const rows = await this.db
      .updateTable('job_queue_jobs')
      .set((eb) => ({ state: 'active', lease_until: leaseUntil, claims: eb('claims', '+', 1), attempts: eb('attempts', '+', 1), updated_at: now }))
      .where((eb) => (this.dialect === 'postgres' ? eb(eb.ref('id'), '=', sql<string>`any(array(${candidates}))`) : eb('id', 'in', candidates)))
      .where(claimable(type, now))
      .returningAll()
      .execute();
    return rows.map(normalize).sort((a, b) => a.priority - b.priority || a.run_at - b.run_at);
  }

  /** Extends a claim; false when the job is no longer held under it. */
  async renew(id: string, claims: number, leaseUntil: number): Promise<boolean> {
    const result = await this.db.updateTable('job_queue_jobs').set({ lease_until: leaseUntil }).where(heldBy(id, claims)).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async complete(id: string, claims: number, now: number): Promise<boolean> {
    return this.finish(id, claims, { state: 'completed', lease_until: null, updated_at: now, finished_at: now });
  }

  async fail(id: string, claims: number, error: string, now: number): Promise<boolean> {
    return this.finish(id, claims, { state: 'failed', lease_until: null, last_error: error, updated_at: now, finished_at: now });
  }

  /** Back to waiting until `runAt`; `refundAttempt` when the run was a pause, not a failure. */
  async reschedule(id: string, claims: number, runAt: number, now: number, change: { error?: string; refundAttempt?: boolean }): Promise<boolean> {
    const result = await this.db
      .updateTable('job_queue_jobs')
      .set((eb) => ({
        state: 'waiting',
        run_at: runAt,
        lease_until: null,
        updated_at: now,
        ...(change.error !== undefined ? { last_error: change.error } : {}),
        ...(change.refundAttempt ? { attempts: eb('attempts', '-', 1) } : {}),
      }))
      .where(heldBy(id, claims))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Deletes jobs of a state that finished at or before `finishedBy`, a batch at a time so no lock is held long. */
  async deleteFinished(state: 'completed' | 'failed', finishedBy: number, batch = 500): Promise<number> {
    let deleted = 0;
    for (;;) {
      const ids = this.db.selectFrom('job_queue_jobs').select('id').where('state', '=', state).where('finished_at', '<=', finishedBy).limit(batch);
      const result = await this.db.deleteFrom('job_queue_jobs').where('id', 'in', ids).executeTakeFirst();
      const count = Number(result.numDeletedRows);
      deleted += count;
      if (count < batch) return deleted;
    }
  }

  private async finish(id: string, claims: number, values: Partial<Omit<JobRow, 'id'>>): Promise<boolean> {
    const result = await this.db.updateTable('job_queue_jobs').set(values).where(heldBy(id, claims)).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
