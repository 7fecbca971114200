// The stores the shared suite runs against: a fresh SQLite file, a fresh PostgreSQL schema (when
// TEST_POSTGRES_URL is set) and a fresh Redis key prefix (when TEST_REDIS_URL is set).
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { openDatabase as openHostDatabase } from '@runnerly/database';
import { postgresBackend, sqliteBackend, type TestBackend } from '@runnerly/database/testing';
import { createJobQueue, type CommonQueueOptions, type JobQueue } from '../../src/index.js';

/** What a child process needs to open the same store. */
export type StoreSpec = { backend: 'sqlite' | 'postgres'; url: string } | { backend: 'redis'; url: string; prefix: string };

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

/** Opens the database the way a host service does (@runnerly/database). */
export function openDatabase(spec: StoreSpec): OpenedDatabase {
  if (spec.backend === 'redis') throw new Error('not a database');
  const handle = openHostDatabase(spec.url, { poolMax: 5 });
  return { db: handle.db, dialect: handle.kind };
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

/** A fresh SQLite file or PostgreSQL schema per test, from @runnerly/database's test backends. */
function database(backend: TestBackend): StoreKind {
  const kind: StoreKind = {
    name: backend.name,
    clockDriven: true,
    leaseMs: 1000,
    async create() {
      const created = await backend.create();
      return testStore({ backend: backend.name, url: created.url }, kind, () => created.drop());
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

export const SQLITE = database(sqliteBackend);
export const POSTGRES = process.env.TEST_POSTGRES_URL ? database(postgresBackend(process.env.TEST_POSTGRES_URL)) : undefined;
export const REDIS = process.env.TEST_REDIS_URL ? redis(process.env.TEST_REDIS_URL) : undefined;
