import type { Logger } from 'pino';
import type { FailureCountStore, SharedBlock } from '../storage/failure-count-store.js';
import type { SharedCounts } from './failure-limiter.js';
import type { ThrottleKeyHasher } from './throttle-key-hasher.js';

/** Keys whose failures may wait for the database at once; failures of further keys are counted here only. */
const MAX_PENDING_KEYS = 10_000;
/** After a failed write, failures are counted here only for this long before the database is tried again. */
const RETRY_WRITES_AFTER_MS = 1000;
/** Blocks read per query; one poll reads at most POLL_PAGES pages, the next poll goes on. */
const POLL_PAGE_SIZE = 500;
const POLL_PAGES = 10;

interface PendingFailures {
  count: number;
  limit: number;
  windowMs: number;
}

/**
 * The failure counts of all instances on the database, behind the in-memory limiters:
 * - a failure is written in the background, one write at a time, with the failures of a key that
 *   came meanwhile added in the same write: no request waits for the database, and a flood costs
 *   one write per key per round trip;
 * - a key whose shared count reaches its limit is blocked until its window ends; the instance
 *   whose write blocked it knows at once, the others when they next poll() (every changePollMs);
 * - checking is a map lookup, skipped altogether while nothing is blocked: the hot path (a
 *   successful client authentication) never touches the database.
 * When the database fails, that is logged once and the failures are counted per instance (by the
 * limiters' own windows) until it works again; requests never see the error.
 */
export class SharedFailures {
  /** Key hash to the end of its block (epoch milliseconds). */
  private readonly blocks = new Map<string, number>();
  private pending = new Map<string, PendingFailures>();
  private writing: Promise<void> | undefined;
  private reading: Promise<void> | undefined;
  /** The newest block revision seen; the next poll reads what came after. */
  private revision = 0;
  private writesFailing = false;
  private readsFailing = false;
  private retryWritesAt = 0;

  constructor(
    private readonly store: FailureCountStore,
    private readonly hasher: ThrottleKeyHasher,
    private readonly logger: Logger,
    private readonly maxBlocks = 100_000,
  ) {}

  /** The counts of one limiter; `scope` tells its keys from other limiters' (all have `ip:` keys). */
  scope(scope: string): SharedCounts {
    return {
      blockedFor: (key, now) => (this.blocks.size === 0 ? 0 : this.blockedFor(this.hasher.hash(`${scope}|${key}`), now)),
      record: (key, limit, windowMs, now) => this.record(this.hasher.hash(`${scope}|${key}`), limit, windowMs, now),
    };
  }

  private blockedFor(keyHash: string, now: number): number {
    const until = this.blocks.get(keyHash);
    if (until === undefined) return 0;
    if (until <= now) {
      this.blocks.delete(keyHash);
      return 0;
    }
    return until - now;
  }

  private record(keyHash: string, limit: number, windowMs: number, now: number): void {
    // Blocked everywhere until its window ends already: more failures change nothing.
    if (this.blockedFor(keyHash, now) > 0 || now < this.retryWritesAt) return;
    const pending = this.pending.get(keyHash);
    if (pending) pending.count++;
    else if (this.pending.size < MAX_PENDING_KEYS) this.pending.set(keyHash, { count: 1, limit, windowMs });
    this.startWriting();
  }

  private startWriting(): void {
    if (this.writing) return;
    this.writing = this.writePending().finally(() => {
      this.writing = undefined;
      // Failures recorded while the last write was finishing.
      if (this.pending.size > 0) this.startWriting();
    });
  }

  private async writePending(): Promise<void> {
    while (this.pending.size > 0) {
      const batch = this.pending;
      this.pending = new Map();
      for (const [keyHash, { count, limit, windowMs }] of batch) {
        const now = Date.now();
        let block: SharedBlock | undefined;
        try {
          block = await this.store.add({ keyHash, count, limit, windowEnd: now + windowMs }, now);
        } catch (error) {
          if (!this.writesFailing) this.logger.error({ err: error }, 'recording failures in the database failed: failure limits count per instance until it works again');
          this.writesFailing = true;
          this.retryWritesAt = Date.now() + RETRY_WRITES_AFTER_MS;
          this.pending.clear();
          return;
        }
        if (this.writesFailing) this.logger.info('recording failures in the database works again');
        this.writesFailing = false;
        if (block) this.block(block);
      }
    }
  }

  /** Learns the keys blocked (by any instance) since the last poll. Never rejects: a failure is logged once. */
  poll(): Promise<void> {
    this.reading ??= this.readBlocks().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async readBlocks(): Promise<void> {
    try {
      for (let page = 0; page < POLL_PAGES; page++) {
        const blocks = await this.store.blocksAfter(this.revision, POLL_PAGE_SIZE);
        const now = Date.now();
        for (const block of blocks) {
          this.revision = Math.max(this.revision, block.revision);
          if (block.blockedUntil > now) this.block(block);
        }
        if (blocks.length < POLL_PAGE_SIZE) break;
      }
    } catch (error) {
      if (!this.readsFailing) this.logger.error({ err: error }, 'reading blocked keys from the database failed: failure limits count per instance until it works again');
      this.readsFailing = true;
      return;
    }
    if (this.readsFailing) this.logger.info('reading blocked keys from the database works again');
    this.readsFailing = false;
  }

  private block({ keyHash, blockedUntil }: SharedBlock): void {
    const known = this.blocks.get(keyHash);
    if (known !== undefined && known >= blockedUntil) return;
    if (known === undefined && this.blocks.size >= this.maxBlocks) {
      // Map keeps insertion order: the first entry is the oldest block.
      const oldest = this.blocks.keys().next();
      if (!oldest.done) this.blocks.delete(oldest.value);
    }
    this.blocks.set(keyHash, blockedUntil);
  }

  /** Drops blocks that have ended. */
  sweep(now = Date.now()): void {
    for (const [keyHash, until] of this.blocks) {
      if (until <= now) this.blocks.delete(keyHash);
    }
  }

  /** Resolves once the failures recorded so far are written and no poll is running (before the database closes). */
  async settled(): Promise<void> {
    while (this.writing || this.reading) await Promise.all([this.writing, this.reading]);
  }
}
