import type { Logger } from 'pino';
import { MAX_ROWS_PER_STATEMENT, type BlockChange, type BlockCursor, type FailureCountStore, type FailureIncrement } from '../storage/failure-count-store.js';
import type { Metrics } from '../http/metrics.js';
import type { SharedCounts } from './failure-limiter.js';
import type { ThrottleKey } from './throttle-key.js';
import type { ThrottleKeyHasher } from './throttle-key-hasher.js';
import { BlockMap } from './block-map.js';

/** Keys whose failures may wait for the database at once; failures of further keys are counted here only (and logged, and counted in a metric). */
export const MAX_PENDING_KEYS = 10_000;
/** Keys written per round: one multi-row upsert each. */
export const WRITE_BATCH_SIZE = MAX_ROWS_PER_STATEMENT;
/** After a failed write, failures are counted here only for this long before the database is tried again. */
const RETRY_WRITES_AFTER_MS = 1000;
/** Blocks read per query; one poll reads at most POLL_PAGES pages, the next poll goes on (a start reads until done). */
export const POLL_PAGE_SIZE = 500;
const POLL_PAGES = 10;

interface PendingFailures extends Omit<FailureIncrement, 'windowEnd'> {
  windowMs: number;
}

export interface SharedFailuresOptions {
  maxBlocks?: number;
  maxPendingKeys?: number;
}

/** The store calls SharedFailures makes. */
export type FailureCounts = Pick<FailureCountStore, 'addAll' | 'latestRevision' | 'changesAfter' | 'liveBlocks'>;

/**
 * The failure counts of all instances on the database, behind the in-memory limiters:
 * - a failure is written in the background, one round at a time, each round one upsert of up to
 *   WRITE_BATCH_SIZE keys with the failures each key got meanwhile: no request waits for the
 *   database, and a flood costs one statement per WRITE_BATCH_SIZE keys per round trip;
 * - a key whose shared count reaches its limit is blocked until its window ends; the instance
 *   whose write blocked it knows at once, the others when they next poll() (every changePollMs);
 * - checking is a map lookup, skipped altogether while nothing is blocked: the hot path (a
 *   successful client authentication) never touches the database;
 * - an operator's clear (`tokendealer throttle clear`) reaches every instance at its next poll:
 *   the key's block goes, and so do the instances' own windows of it (see clearedSince).
 * When the database fails, that is logged once and the failures are counted per instance (by the
 * limiters' own windows) until it works again; requests never see the error. Failures not shared
 * (the database failing, or more than MAX_PENDING_KEYS keys waiting for it) are counted in
 * tokendealer_shared_failures_dropped_total.
 */
export class SharedFailures implements SharedCounts {
  private readonly blocks: BlockMap;
  /** Key hashes an operator cleared, with when this instance learned it. */
  private readonly cleared = new Map<string, number>();
  private pending = new Map<string, PendingFailures>();
  private readonly maxPendingKeys: number;
  private readonly maxBlocks: number;
  private writing: Promise<void> | undefined;
  private reading: Promise<void> | undefined;
  /** Where the next poll reads on; undefined until the live blocks have been read once. */
  private cursor: BlockCursor | undefined;
  /** The longest window of a failure recorded: how long a clear may still concern a window. */
  private longestWindowMs = 0;
  private writesFailing = false;
  private readsFailing = false;
  private backlogLogged = false;
  private retryWritesAt = 0;

  constructor(
    private readonly store: FailureCounts,
    private readonly hasher: ThrottleKeyHasher,
    private readonly logger: Logger,
    private readonly metrics?: Metrics,
    options: SharedFailuresOptions = {},
  ) {
    this.maxBlocks = options.maxBlocks ?? 100_000;
    this.maxPendingKeys = options.maxPendingKeys ?? MAX_PENDING_KEYS;
    this.blocks = new BlockMap(this.maxBlocks);
  }

  blockedFor(key: ThrottleKey, now: number): number {
    return this.blocks.size === 0 ? 0 : this.blockedForHash(this.hasher.hash(key.id), now);
  }

  clearedSince(key: ThrottleKey, since: number): boolean {
    if (this.cleared.size === 0) return false;
    const learnedAt = this.cleared.get(this.hasher.hash(key.id));
    return learnedAt !== undefined && learnedAt >= since;
  }

  private blockedForHash(keyHash: string, now: number): number {
    const until = this.blocks.get(keyHash);
    if (until === undefined) return 0;
    if (until <= now) {
      this.blocks.delete(keyHash);
      return 0;
    }
    return until - now;
  }

  record(key: ThrottleKey, limit: number, windowMs: number, now: number): void {
    this.longestWindowMs = Math.max(this.longestWindowMs, windowMs);
    const keyHash = this.hasher.hash(key.id);
    // Blocked everywhere until its window ends already: more failures change nothing.
    if (this.blockedForHash(keyHash, now) > 0) return;
    if (now < this.retryWritesAt) {
      this.dropped('database', 1);
      return;
    }
    const pending = this.pending.get(keyHash);
    if (pending) pending.count++;
    else if (this.pending.size < this.maxPendingKeys) {
      this.pending.set(keyHash, {
        keyHash,
        kind: key.kind,
        subjectHash: key.subject === null ? null : this.hasher.hash(key.subject),
        addressHash: key.address === null ? null : this.hasher.hash(key.address),
        count: 1,
        limit,
        windowMs,
      });
    } else {
      this.dropped('backlog', 1);
      if (!this.backlogLogged) {
        this.logger.warn({ max_pending_keys: this.maxPendingKeys }, 'too many keys wait for the database: failures of further keys are counted per instance only until these are written');
        this.backlogLogged = true;
      }
    }
    this.startWriting();
  }

  private dropped(reason: 'backlog' | 'database', failures: number): void {
    this.metrics?.sharedFailuresDropped.add(failures, reason);
  }

  private startWriting(): void {
    if (this.writing) return;
    this.writing = this.writePending().finally(() => {
      this.writing = undefined;
      // Failures recorded while the last write was finishing.
      if (this.pending.size > 0) this.startWriting();
    });
  }

  /** Takes up to WRITE_BATCH_SIZE keys off the pending ones: what came first goes first. */
  private takeBatch(): PendingFailures[] {
    const batch: PendingFailures[] = [];
    for (const [keyHash, failures] of this.pending) {
      if (batch.length >= WRITE_BATCH_SIZE) break;
      batch.push(failures);
      this.pending.delete(keyHash);
    }
    return batch;
  }

  private async writePending(): Promise<void> {
    while (this.pending.size > 0) {
      const batch = this.takeBatch();
      const now = Date.now();
      let blocks;
      try {
        blocks = await this.store.addAll(
          batch.map(({ windowMs, ...failures }) => ({ ...failures, windowEnd: now + windowMs })),
          now,
        );
      } catch (error) {
        if (!this.writesFailing) this.logger.error({ err: error }, 'recording failures in the database failed: failure limits count per instance until it works again');
        this.writesFailing = true;
        this.retryWritesAt = Date.now() + RETRY_WRITES_AFTER_MS;
        let lost = 0;
        for (const failures of [...batch, ...this.pending.values()]) lost += failures.count;
        this.dropped('database', lost);
        this.pending.clear();
        // No backlog left: the next one is logged again.
        this.backlogLogged = false;
        return;
      }
      if (this.writesFailing) this.logger.info('recording failures in the database works again');
      this.writesFailing = false;
      for (const { keyHash, blockedUntil } of blocks) this.block(keyHash, blockedUntil);
    }
    if (this.backlogLogged) this.logger.info('the failures waiting for the database are written: all failures are shared again');
    this.backlogLogged = false;
  }

  /**
   * Learns the keys blocked (by any instance) and cleared (by an operator) since the last poll;
   * the first poll reads the blocks still live, however many. Never rejects: a failure is logged once.
   */
  poll(): Promise<void> {
    this.reading ??= this.readBlocks().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async readBlocks(): Promise<void> {
    try {
      if (this.cursor) await this.readChanges(this.cursor);
      else await this.readLiveBlocks();
    } catch (error) {
      if (!this.readsFailing) this.logger.error({ err: error }, 'reading blocked keys from the database failed: failure limits count per instance until it works again');
      this.readsFailing = true;
      return;
    }
    if (this.readsFailing) this.logger.info('reading blocked keys from the database works again');
    this.readsFailing = false;
  }

  /**
   * At the start: the blocks live now, up to the newest revision, page by page until done; then
   * every change after that revision. Ended blocks and clears from before are not read: they
   * concern only instances that knew the keys already.
   */
  private async readLiveBlocks(): Promise<void> {
    const upTo = await this.store.latestRevision();
    let after: BlockCursor = { revision: 0, keyHash: null };
    for (;;) {
      const page = await this.store.liveBlocks(upTo, after, Date.now(), POLL_PAGE_SIZE);
      this.apply(page);
      if (page.length < POLL_PAGE_SIZE) break;
      const last = page[page.length - 1]!;
      after = { revision: last.revision, keyHash: last.keyHash };
    }
    this.cursor = { revision: upTo, keyHash: null };
  }

  private async readChanges(cursor: BlockCursor): Promise<void> {
    let after = cursor;
    for (let page = 0; page < POLL_PAGES; page++) {
      const changes = await this.store.changesAfter(after, POLL_PAGE_SIZE);
      this.apply(changes);
      if (changes.length > 0) {
        const last = changes[changes.length - 1]!;
        after = { revision: last.revision, keyHash: last.keyHash };
        this.cursor = after;
      }
      if (changes.length < POLL_PAGE_SIZE) break;
    }
  }

  private apply(changes: readonly BlockChange[]): void {
    const now = Date.now();
    for (const { keyHash, blockedUntil } of changes) {
      if (blockedUntil === null) this.clear(keyHash, now);
      else if (blockedUntil > now) this.block(keyHash, blockedUntil);
    }
  }

  private block(keyHash: string, blockedUntil: number): void {
    const known = this.blocks.get(keyHash);
    if (known !== undefined && known >= blockedUntil) return;
    this.blocks.set(keyHash, blockedUntil);
  }

  private clear(keyHash: string, now: number): void {
    this.blocks.delete(keyHash);
    this.cleared.delete(keyHash);
    if (this.cleared.size >= this.maxBlocks) {
      // Map keeps insertion order: the first entry is the oldest clear.
      const oldest = this.cleared.keys().next();
      if (!oldest.done) this.cleared.delete(oldest.value);
    }
    this.cleared.set(keyHash, now);
  }

  /** Drops blocks that have ended, and clears older than any window they could still concern. */
  sweep(now = Date.now()): void {
    this.blocks.sweep(now);
    for (const [keyHash, learnedAt] of this.cleared) {
      // Map keeps insertion order, which is the order of learnedAt.
      if (learnedAt + this.longestWindowMs > now) break;
      this.cleared.delete(keyHash);
    }
  }

  /** Resolves once the failures recorded so far are written and no poll is running (before the database closes). */
  async settled(): Promise<void> {
    while (this.writing || this.reading) await Promise.all([this.writing, this.reading]);
  }
}
