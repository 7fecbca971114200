// Writing shared failures in batches: a flood of keys costs one upsert per batch, every key that
// reaches its limit is blocked and found by other instances (at their start and by their polls),
// and failures that find no room while the database is slow are logged once and counted in a
// metric instead of vanishing silently.
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { openStorage, type Storage } from '../src/storage/index.js';
import { openDatabase } from '../src/storage/database.js';
import type { FailureIncrement } from '../src/storage/failure-count-store.js';
import { SharedFailures, WRITE_BATCH_SIZE } from '../src/throttle/shared-failures.js';
import { ThrottleKeyHasher } from '../src/throttle/throttle-key-hasher.js';
import { throttleKey, type ThrottleKey } from '../src/throttle/throttle-key.js';
import { Metrics } from '../src/http/metrics.js';
import { BACKENDS, type TestDatabase } from './helpers/databases.js';

const WINDOW_MS = 600_000;
type LogLine = { level: number; msg: string };

const keyOf = (i: number): ThrottleKey => throttleKey('client-auth:address', null, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);

function capturingLogger(): { logger: pino.Logger; logs: LogLine[] } {
  const logs: LogLine[] = [];
  return { logger: pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) }), logs };
}

async function droppedFailures(metrics: Metrics, reason: string): Promise<number> {
  const text = await metrics.registry.getSingleMetricAsString('tokendealer_shared_failures_dropped_total');
  const line = text.split('\n').find((entry) => entry.startsWith(`tokendealer_shared_failures_dropped_total{reason="${reason}"}`));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

for (const backend of BACKENDS) {
  describe(`shared failures written in batches (${backend.name})`, { timeout: 60_000 }, () => {
    let cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
      cleanups = [];
    });

    let database: TestDatabase;
    async function storage(): Promise<Storage> {
      database = await backend.create();
      const created = database;
      cleanups.push(() => created.drop());
      const opened = await openStorage(database.url);
      cleanups.push(() => opened.close());
      return opened;
    }

    it('writes a flood of keys with one upsert per batch and blocks every key at its limit, for this instance and the others', async () => {
      const store = await storage();
      const hasher = new ThrottleKeyHasher(Buffer.alloc(32, 7));
      const batches: number[] = [];
      const addAll = store.failureCounts.addAll.bind(store.failureCounts);
      const counting = {
        ...pickStore(store),
        addAll: (increments: readonly FailureIncrement[], now: number) => {
          batches.push(increments.length);
          return addAll(increments, now);
        },
      };
      const watcher = new SharedFailures(store.failureCounts, hasher, pino({ level: 'silent' }));
      await watcher.poll();
      const writer = new SharedFailures(counting, hasher, pino({ level: 'silent' }));
      const keys = Array.from({ length: 2 * WRITE_BATCH_SIZE + 200 }, (_, i) => keyOf(i));
      const now = Date.now();
      // Limit 1: every key is blocked by its first failure.
      for (const key of keys) writer.record(key, 1, WINDOW_MS, now);
      await writer.settled();

      // The first failure starts a write of its own; the others wait for it and go in full batches.
      assert.deepEqual(batches, [1, WRITE_BATCH_SIZE, WRITE_BATCH_SIZE, keys.length - 1 - 2 * WRITE_BATCH_SIZE]);
      assert.equal(keys.filter((key) => writer.blockedFor(key, Date.now()) > 0).length, keys.length, 'the writer knows its blocks at once');
      // One started now reads them at its start (across pages, within one revision); one that was running learns them by polling.
      const started = new SharedFailures(store.failureCounts, hasher, pino({ level: 'silent' }));
      await Promise.all([started.poll(), watcher.poll()]);
      for (const instance of [started, watcher]) assert.equal(keys.filter((key) => instance.blockedFor(key, Date.now()) > 0).length, keys.length);
    });

    it('adds the failures of keys that come during a write to the next batch, blocking at the limit of each key', async () => {
      const store = await storage();
      const hasher = new ThrottleKeyHasher(Buffer.alloc(32, 8));
      const writer = new SharedFailures(store.failureCounts, hasher, pino({ level: 'silent' }));
      const [three, five] = [keyOf(1), throttleKey('client-auth:client-address', 'client:c1', '10.0.0.1')];
      const now = Date.now();
      for (let i = 0; i < 4; i++) {
        writer.record(three, 3, WINDOW_MS, now);
        writer.record(five, 5, WINDOW_MS, now);
      }
      await writer.settled();
      assert.ok(writer.blockedFor(three, Date.now()) > 0, 'four failures of a key limited to three');
      assert.equal(writer.blockedFor(five, Date.now()), 0, 'four failures of a key limited to five');
      const rows = await store.failureCounts.changesAfter({ revision: 0, keyHash: null }, 10);
      assert.deepEqual(rows.map((row) => row.keyHash), [hasher.hash(three.id)]);
    });

    it('logs once and counts in tokendealer_shared_failures_dropped_total the failures of keys beyond the pending ones, and shares again once they are written', async () => {
      const store = await storage();
      const hasher = new ThrottleKeyHasher(Buffer.alloc(32, 9));
      const { logger, logs } = capturingLogger();
      const metrics = new Metrics();
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const addAll = store.failureCounts.addAll.bind(store.failureCounts);
      let first = true;
      const slow = {
        ...pickStore(store),
        // The first write waits: the keys that come meanwhile wait for it.
        addAll: async (increments: readonly FailureIncrement[], now: number) => {
          if (first) {
            first = false;
            await held;
          }
          return addAll(increments, now);
        },
      };
      const shared = new SharedFailures(slow, hasher, logger, metrics, { maxPendingKeys: 10 });
      const now = Date.now();
      shared.record(keyOf(0), 5, WINDOW_MS, now);
      for (let i = 1; i <= 10; i++) shared.record(keyOf(i), 5, WINDOW_MS, now);
      // A pending key's further failure still goes with it; new keys find no room.
      shared.record(keyOf(1), 5, WINDOW_MS, now);
      for (let i = 11; i <= 14; i++) shared.record(keyOf(i), 5, WINDOW_MS, now);
      shared.record(keyOf(11), 5, WINDOW_MS, now);
      release();
      await shared.settled();

      assert.equal(await droppedFailures(metrics, 'backlog'), 5);
      const warnings = logs.filter((line) => line.level === 40);
      assert.deepEqual(warnings.map((line) => line.msg), ['too many keys wait for the database: failures of further keys are counted per instance only until these are written']);
      assert.ok(logs.some((line) => line.msg === 'the failures waiting for the database are written: all failures are shared again'));
      const written = await countsByKey(database);
      assert.equal(written.size, 11);
      assert.equal(written.get(hasher.hash(keyOf(1).id)), 2);
      assert.equal(written.get(hasher.hash(keyOf(11).id)), undefined);

      // Room again: the next failure of a dropped key is shared, and nothing more is dropped.
      shared.record(keyOf(11), 5, WINDOW_MS, Date.now());
      await shared.settled();
      assert.equal((await countsByKey(database)).get(hasher.hash(keyOf(11).id)), 1);
      assert.equal(await droppedFailures(metrics, 'backlog'), 5);
    });
  });
}

function pickStore(store: Storage) {
  const counts = store.failureCounts;
  return {
    latestRevision: counts.latestRevision.bind(counts),
    changesAfter: counts.changesAfter.bind(counts),
    liveBlocks: counts.liveBlocks.bind(counts),
  };
}

/** The stored count of every key, by key hash. */
async function countsByKey(database: TestDatabase): Promise<Map<string, number>> {
  const handle = openDatabase(database.url);
  try {
    const rows = await handle.db.selectFrom('failure_counts').select(['key_hash', 'count']).execute();
    return new Map(rows.map((row) => [row.key_hash, Number(row.count)]));
  } finally {
    await handle.close();
  }
}
