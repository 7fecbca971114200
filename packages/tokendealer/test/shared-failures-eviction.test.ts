// The blocks an instance knows are bounded; when full, what goes must cost least: a block that has
// ended, else the one that ends soonest, never simply the oldest (which may be live for long).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import type { BlockChange } from '../src/storage/failure-count-store.js';
import { SharedFailures, type FailureCounts } from '../src/throttle/shared-failures.js';
import { ThrottleKeyHasher } from '../src/throttle/throttle-key-hasher.js';
import { throttleKey } from '../src/throttle/throttle-key.js';

const hasher = new ThrottleKeyHasher(Buffer.alloc(32, 3));
const key = (name: string) => throttleKey('sign-in:address', null, name);

/** An instance at most `maxBlocks` blocks big, learning the blocks it is given at its polls. */
async function instance(maxBlocks: number) {
  let revision = 0;
  let next: BlockChange[] = [];
  const store: FailureCounts = {
    addAll: async () => [],
    latestRevision: async () => revision,
    liveBlocks: async () => [],
    changesAfter: async () => {
      const changes = next;
      next = [];
      return changes;
    },
  };
  const shared = new SharedFailures(store, hasher, pino({ level: 'silent' }), undefined, { maxBlocks });
  await shared.poll();
  return {
    /** Learns that these keys are blocked until their given times, in this order. */
    async learn(blocks: [string, number][]) {
      next = blocks.map(([name, until]) => ({ keyHash: hasher.hash(key(name).id), blockedUntil: until, revision: ++revision }));
      await shared.poll();
    },
    known: (names: string[]) => names.filter((name) => shared.blockedFor(key(name), Date.now()) > 0),
  };
}

describe('shared failures: eviction of known blocks', () => {
  it('makes room by dropping the block that ends soonest, not the oldest', async () => {
    const now = Date.now();
    const blocks = await instance(3);
    await blocks.learn([['long', now + 600_000], ['short', now + 10_000], ['middle', now + 60_000]]);
    await blocks.learn([['new', now + 300_000]]);
    assert.deepEqual(blocks.known(['long', 'short', 'middle', 'new']), ['long', 'middle', 'new']);
    // A block that would end sooner than every known one is not kept at all.
    await blocks.learn([['soonest', now + 1_000]]);
    assert.deepEqual(blocks.known(['long', 'middle', 'new', 'soonest']), ['long', 'middle', 'new']);
    await blocks.learn([['newer', now + 400_000]]);
    assert.deepEqual(blocks.known(['long', 'middle', 'new', 'newer']), ['long', 'new', 'newer']);
  });

  it('drops a block that has ended before any live one', async () => {
    const now = Date.now();
    const blocks = await instance(3);
    await blocks.learn([['long', now + 600_000], ['ending', now + 50], ['middle', now + 60_000]]);
    await sleep(100);
    await blocks.learn([['new', now + 5_000]]);
    assert.deepEqual(blocks.known(['long', 'middle', 'new']), ['long', 'middle', 'new'], 'the live ones all stay, the new one ending soonest too');
  });

  it('keeps the later end of a block learned twice, and evicts by it', async () => {
    const now = Date.now();
    const blocks = await instance(2);
    await blocks.learn([['extended', now + 1_000], ['other', now + 30_000]]);
    await blocks.learn([['extended', now + 60_000]]);
    await blocks.learn([['new', now + 120_000]]);
    assert.deepEqual(blocks.known(['extended', 'other', 'new']), ['extended', 'new']);
  });
});
