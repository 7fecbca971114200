// The stores the shared suite runs against: a fresh SQLite file, a fresh PostgreSQL schema (when
// TEST_POSTGRES_URL is set) and a fresh Redis key prefix (when TEST_REDIS_URL is set).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Redis } from 'ioredis';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { createJobQueue, type CommonQueueOptions, type JobQueue } from '../../src/index.js';

/** What a child process needs to open the same store. */
export type StoreSpec = { backend: 'sqlite'; path: string } | { backend: 'postgres'; url: string } | { backend: 'redis'; url: string; prefix: string };

export interface TestClock {
  now(): number;
  /** Moves the queue's time on: the test clock jumps, or (on Redis, which keeps its own time) real time passes. */
  advance(ms: number): Promise<void>;
}

export interface TestStore {
  spec: StoreSpec;
  clock: TestClock;
  /** A queue instance with its own connection, closed by drop(). */
  open(options?: CommonQueueOptions): JobQueue;
  drop(): Promise<void>;
}

export interface StoreKind {
  name: 'sqlite' | 'postgres' | 'redis';
  /** Delays, backoff and leases follow the queue's clock (on Redis they follow real time). */
  clockDriven: boolean;
  /** Lease for the suite's queues; Redis leases are real time, so shorter there. */
  leaseMs: number;
  create(): Promise<TestStore>;
}

export interface OpenedDatabase {
  db: Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- a host's database
  dialect: 'sqlite' | 'postgres';
}

/** Opens a database the way a host service would (TokenDealer's settings). */
export function openDatabase(spec: StoreSpec): OpenedDatabase {
  if (spec.backend === 'sqlite') {
    const database = new SQLite(spec.path);
    database.pragma('journal_mode = WAL');
    database.pragma('busy_timeout = 5000');
    return { db: new Kysely({ dialect: new SqliteDialect({ database }) }), dialect: 'sqlite' };
  }
  if (spec.backend === 'postgres') {
    const pool = new pg.Pool({ connectionString: spec.url, max: 5 });
    pool.on('error', () => {});
    return { db: new Kysely({ dialect: new PostgresDialect({ pool }) }), dialect: 'postgres' };
  }
  throw new Error('not a database');
}

export function openQueue(spec: StoreSpec, options: CommonQueueOptions, opened: OpenedDatabase[] = []): JobQueue {
  if (spec.backend === 'redis') return createJobQueue({ backend: 'redis', url: spec.url, prefix: spec.prefix, ...options });
  const database = openDatabase(spec);
  opened.push(database);
  return createJobQueue({ backend: 'database', db: database.db, dialect: database.dialect, ...options });
}

function testClock(clockDriven: boolean): TestClock {
  if (!clockDriven) return { now: () => Date.now(), advance: (ms) => sleep(ms) };
  let now = Date.now();
  return {
    now: () => now,
    advance: async (ms) => {
      now += ms;
    },
  };
}

function testStore(spec: StoreSpec, kind: StoreKind, cleanUp: () => Promise<void>): TestStore {
  const clock = testClock(kind.clockDriven);
  const queues: JobQueue[] = [];
  const databases: OpenedDatabase[] = [];
  return {
    spec,
    clock,
    open(options = {}) {
      const queue = openQueue(spec, { clock: clock.now, leaseMs: kind.leaseMs, pollMs: 20, backoff: () => 100, ...options }, databases);
      queues.push(queue);
      return queue;
    },
    async drop() {
      await Promise.all(queues.map((queue) => queue.close({ drainMs: 0 })));
      await Promise.all(databases.map((database) => database.db.destroy()));
      await cleanUp();
    },
  };
}

const sqlite: StoreKind = {
  name: 'sqlite',
  clockDriven: true,
  leaseMs: 1000,
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'job-queue-test-'));
    return testStore({ backend: 'sqlite', path: join(dir, 'service.sqlite') }, sqlite, async () => rmSync(dir, { recursive: true, force: true }));
  },
};

function postgres(baseUrl: string): StoreKind {
  const kind: StoreKind = {
    name: 'postgres',
    clockDriven: true,
    leaseMs: 1000,
    async create() {
      const schema = `jq_test_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: baseUrl });
      await admin.connect();
      try {
        await admin.query(`CREATE SCHEMA ${schema}`);
      } finally {
        await admin.end();
      }
      const url = new URL(baseUrl);
      url.searchParams.set('options', `-c search_path=${schema}`);
      return testStore({ backend: 'postgres', url: url.toString() }, kind, async () => {
        const client = new pg.Client({ connectionString: baseUrl });
        await client.connect();
        try {
          await client.query(`DROP SCHEMA ${schema} CASCADE`);
        } finally {
          await client.end();
        }
      });
    },
  };
  return kind;
}

function redis(url: string): StoreKind {
  const kind: StoreKind = {
    name: 'redis',
    clockDriven: false,
    leaseMs: 600,
    async create() {
      const prefix = `jq-test-${randomBytes(6).toString('hex')}`;
      return testStore({ backend: 'redis', url, prefix }, kind, async () => {
        const client = new Redis(url);
        try {
          let cursor = '0';
          do {
            const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
            if (keys.length > 0) await client.del(...keys);
            cursor = next;
          } while (cursor !== '0');
        } finally {
          await client.quit();
        }
      });
    },
  };
  return kind;
}

export const SQLITE = sqlite;
export const POSTGRES = process.env.TEST_POSTGRES_URL ? postgres(process.env.TEST_POSTGRES_URL) : undefined;
export const REDIS = process.env.TEST_REDIS_URL ? redis(process.env.TEST_REDIS_URL) : undefined;
