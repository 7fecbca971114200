// What an instance reads at its start: the blocks still live, however many (a restart must refuse
// all of them from the first request), and not the ended ones, which would only cost reading.
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { openStorage, type Storage } from '../src/storage/index.js';
import { MAX_ROWS_PER_STATEMENT, type BlockChange, type FailureIncrement } from '../src/storage/failure-count-store.js';
import { POLL_PAGE_SIZE, SharedFailures } from '../src/throttle/shared-failures.js';
import { ThrottleKeyHasher } from '../src/throttle/throttle-key-hasher.js';
import { throttleKey, type ThrottleKey } from '../src/throttle/throttle-key.js';
import { BACKENDS, type TestDatabase } from './helpers/databases.js';

/** More than one poll used to read (ten pages). */
const LIVE_BLOCKS = 10 * POLL_PAGE_SIZE + 200;
const ENDED_BLOCKS = 300;
const ENDS_AFTER_MS = 300;

const hasher = new ThrottleKeyHasher(Buffer.alloc(32, 5));
const keyOf = (i: number): ThrottleKey => throttleKey('client-auth:address', null, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);

/** Blocks the keys (limit 1) with windows ending after `windowMs`. */
async function block(storage: Storage, keys: ThrottleKey[], windowMs: number): Promise<void> {
  for (let start = 0; start < keys.length; start += MAX_ROWS_PER_STATEMENT) {
    const now = Date.now();
    const increments: FailureIncrement[] = keys.slice(start, start + MAX_ROWS_PER_STATEMENT).map((key) => ({
      keyHash: hasher.hash(key.id),
      kind: key.kind,
      subjectHash: null,
      addressHash: hasher.hash(key.address!),
      count: 1,
      limit: 1,
      windowEnd: now + windowMs,
    }));
    assert.equal((await storage.failureCounts.addAll(increments, now)).length, increments.length);
  }
}

for (const backend of BACKENDS) {
  describe(`shared failures read at the start (${backend.name})`, { timeout: 60_000 }, () => {
    let cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
      cleanups = [];
    });

    it('reads every live block and no ended one', async () => {
      const database: TestDatabase = await backend.create();
      cleanups.push(() => database.drop());
      const storage = await openStorage(database.url);
      cleanups.push(() => storage.close());
      const ended = Array.from({ length: ENDED_BLOCKS }, (_, i) => keyOf(i));
      const live = Array.from({ length: LIVE_BLOCKS }, (_, i) => keyOf(ENDED_BLOCKS + i));
      // Ended ones both before and after the live ones in revision order.
      await block(storage, ended.slice(0, ENDED_BLOCKS / 2), ENDS_AFTER_MS);
      await block(storage, live, 600_000);
      await block(storage, ended.slice(ENDED_BLOCKS / 2), ENDS_AFTER_MS);
      await sleep(ENDS_AFTER_MS + 50);

      const read: BlockChange[] = [];
      const counts = storage.failureCounts;
      const reading = {
        addAll: counts.addAll.bind(counts),
        latestRevision: counts.latestRevision.bind(counts),
        liveBlocks: async (...args: Parameters<typeof counts.liveBlocks>) => {
          const page = await counts.liveBlocks(...args);
          read.push(...page);
          return page;
        },
        changesAfter: async (...args: Parameters<typeof counts.changesAfter>) => {
          const page = await counts.changesAfter(...args);
          read.push(...page);
          return page;
        },
      };
      const started = new SharedFailures(reading, hasher, pino({ level: 'silent' }));
      await started.poll();

      assert.equal(read.length, LIVE_BLOCKS, 'read the live blocks, once each');
      assert.ok(read.every((change) => change.blockedUntil !== null && change.blockedUntil > Date.now()), 'no ended block read');
      const now = Date.now();
      assert.equal(live.filter((key) => started.blockedFor(key, now) > 0).length, LIVE_BLOCKS, 'all known after the first poll');
      // The next poll goes on after the newest revision: nothing old again.
      await started.poll();
      assert.equal(read.length, LIVE_BLOCKS);
    });
  });
}
