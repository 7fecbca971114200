import { sql, type Kysely, type Migration } from 'kysely';

export const jobs: Migration = {
  async up(db: Kysely<any>) { // eslint-disable-line @typescript-eslint/no-explicit-any -- migrations see the database as it was then
    await db.schema
      .createTable('job_queue_jobs')
      .addColumn('id', 'varchar(64)', (col) => col.primaryKey())
      .addColumn('type', 'varchar(64)', (col) => col.notNull())
      .addColumn('key', 'varchar(200)')
      .addColumn('payload', 'text', (col) => col.notNull())
      .addColumn('state', 'varchar(16)', (col) => col.notNull())
      .addColumn('priority', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('max_attempts', 'integer', (col) => col.notNull())
      .addColumn('run_at', 'bigint', (col) => col.notNull())
      .addColumn('lease_until', 'bigint')
      .addColumn('claims', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      .addColumn('finished_at', 'bigint')
      .execute();
    // One live job per type and key: add() relies on it to dedupe under races.
    await sql`create unique index job_queue_jobs_live_key on job_queue_jobs (type, key) where key is not null and state in ('waiting', 'active')`.execute(db);
    // Workers look for due jobs of their type in priority order.
    await db.schema.createIndex('job_queue_jobs_due').on('job_queue_jobs').columns(['type', 'state', 'priority', 'run_at']).execute();
    // Retention deletes finished jobs by age.
    await db.schema.createIndex('job_queue_jobs_finished').on('job_queue_jobs').columns(['state', 'finished_at']).execute();
    // list() by type or by key, newest first.
    await db.schema.createIndex('job_queue_jobs_created').on('job_queue_jobs').columns(['type', 'created_at']).execute();
    await db.schema.createIndex('job_queue_jobs_key').on('job_queue_jobs').columns(['key', 'created_at']).execute();
  },
  async down(db: Kysely<any>) { // eslint-disable-line @typescript-eslint/no-explicit-any -- as above
    await db.schema.dropTable('job_queue_jobs').execute();
  },
};
