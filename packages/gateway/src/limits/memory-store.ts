// The per-instance limit store: every decision is synchronous and local to this process. State is
// kept per (limit, key) in a bounded table; keys whose state no longer changes any decision (a
// drained bucket, a quota whose windows passed, a concurrency counter at zero) are dropped, and a
// hard cap evicts the least recently used ones when many clients show up at once.

import { BoundedKeyTable, KeyTableEntry } from './bounded-key-table.js';
import {
  concurrencyDecision,
  concurrencyRelease,
  concurrencyTake,
  DEFAULT_CONCURRENCY_UNIT_DELAY_MS,
} from './concurrency.js';
import {
  leakyBucketDecision,
  leakyBucketIsIdle,
  leakyBucketParams,
  leakyBucketRollback,
  leakyBucketTake,
  type LeakyBucketParams,
} from './leaky-bucket.js';
import { quotaDecision, quotaIsIdle, quotaRollback, quotaTake } from './quota.js';
import type {
  ConcurrencyRule,
  LimitResult,
  LimitRule,
  LimitStore,
  LimitTicket,
  QuotaRule,
  RateRule,
} from './types.js';

export interface MemoryLimitStoreOptions {
  /** Hard cap on tracked (limit, key) pairs across all limits. */
  maxKeys?: number;
  /** Expected request time that queued concurrency requests wait per `max` requests ahead (lua-resty's unit delay). */
  concurrencyUnitDelayMs?: number;
}

/** The configuration's default too (store.maxKeys). About 180 to 280 bytes of heap per key (docs/benchmarks.md). */
export const DEFAULT_MAX_KEYS = 100_000;

class RateEntry extends KeyTableEntry {
  constructor(
    public excess: number,
    public last: number,
    public params: LeakyBucketParams,
  ) {
    super();
  }
}

class QuotaEntry extends KeyTableEntry {
  constructor(
    public windowStart: number,
    public current: number,
    public previous: number,
    public rule: QuotaRule,
  ) {
    super();
  }
}

class ConcurrencyEntry extends KeyTableEntry {
  inFlight = 0;
}

type Entry = RateEntry | QuotaEntry | ConcurrencyEntry;

function isIdle(entry: Entry, nowMs: number): boolean {
  if (entry instanceof RateEntry) return leakyBucketIsIdle(entry, entry.params, nowMs);
  if (entry instanceof QuotaEntry) return quotaIsIdle(entry, entry.rule, nowMs);
  return entry.inFlight === 0;
}

function isPinned(entry: Entry): boolean {
  return entry instanceof ConcurrencyEntry && entry.inFlight > 0;
}

/** A ticket whose undo runs at most once, whichever of rollback and release comes first. */
function ticketOnce(undo: () => void, undoOnRelease: boolean): LimitTicket {
  let done = false;
  const once = (): void => {
    if (done) return;
    done = true;
    undo();
  };
  return { rollback: once, release: undoOnRelease ? once : () => {} };
}

export class MemoryLimitStore implements LimitStore {
  readonly kind = 'memory' as const;
  private readonly table: BoundedKeyTable<Entry>;
  private readonly unitDelayMs: number;
  private readonly paramsByRule = new WeakMap<RateRule, LeakyBucketParams>();
  /** The latest clock reading seen: idleness is judged against it. */
  private nowMs = 0;
  private inFlightTotal = 0;

  constructor(options: MemoryLimitStoreOptions = {}) {
    this.table = new BoundedKeyTable<Entry>(options.maxKeys ?? DEFAULT_MAX_KEYS, { isIdle, isPinned });
    this.unitDelayMs = options.concurrencyUnitDelayMs ?? DEFAULT_CONCURRENCY_UNIT_DELAY_MS;
  }

  /** Tracked (limit, key) pairs. */
  get size(): number {
    return this.table.size;
  }

  /** Keys evicted before they were idle because the table was full. */
  get evictedBeforeIdle(): number {
    return this.table.evictedBeforeIdle;
  }

  /** Requests in flight under all concurrency limits together (zero when nothing runs: nothing leaked). */
  get totalInFlight(): number {
    return this.inFlightTotal;
  }

  /** Requests in flight for one concurrency limit and key. */
  inFlight(rule: ConcurrencyRule, key: string): number {
    const entry = this.table.peek(storeKey(rule, key));
    return entry instanceof ConcurrencyEntry ? entry.inFlight : 0;
  }

  take(rule: LimitRule, key: string, nowMs: number): LimitResult {
    if (nowMs > this.nowMs) this.nowMs = nowMs;
    switch (rule.type) {
      case 'rate':
        return this.takeRate(rule, key, nowMs);
      case 'concurrency':
        return this.takeConcurrency(rule, key);
      case 'quota':
        return this.takeQuota(rule, key, nowMs);
    }
  }

  async close(): Promise<void> {
    this.table.clear();
    this.inFlightTotal = 0;
  }

  private paramsOf(rule: RateRule): LeakyBucketParams {
    let params = this.paramsByRule.get(rule);
    if (params === undefined) {
      params = leakyBucketParams(rule);
      this.paramsByRule.set(rule, params);
    }
    return params;
  }

  private takeRate(rule: RateRule, key: string, nowMs: number): LimitResult {
    const params = this.paramsOf(rule);
    const k = storeKey(rule, key);
    const found = this.table.use(k);
    const entry = found instanceof RateEntry ? found : undefined;
    const outcome = leakyBucketTake(entry, params, nowMs);
    const decision = leakyBucketDecision(params, outcome);
    if (!outcome.allowed) return { decision };
    let counted: RateEntry;
    if (entry === undefined) {
      counted = new RateEntry(outcome.next.excess, outcome.next.last, params);
      this.table.insert(k, counted, this.nowMs);
    } else {
      counted = entry;
      counted.excess = outcome.next.excess;
      counted.last = outcome.next.last;
      // After a config reload the key keeps its level and continues under the new numbers.
      counted.params = params;
    }
    const ticket = ticketOnce(() => {
      counted.excess = leakyBucketRollback(counted).excess;
    }, false);
    return { decision, ticket };
  }

  private takeConcurrency(rule: ConcurrencyRule, key: string): LimitResult {
    const k = storeKey(rule, key);
    const found = this.table.use(k);
    const inFlight = found instanceof ConcurrencyEntry ? found.inFlight : 0;
    const outcome = concurrencyTake(inFlight, rule, this.unitDelayMs);
    const decision = concurrencyDecision(rule, outcome, this.unitDelayMs);
    if (!outcome.allowed) return { decision };
    let entry = found;
    if (!(entry instanceof ConcurrencyEntry)) {
      entry = new ConcurrencyEntry();
      this.table.insert(k, entry, this.nowMs);
    }
    const counted = entry;
    counted.inFlight = outcome.inFlight;
    this.inFlightTotal++;
    const ticket = ticketOnce(() => {
      if (counted.inFlight > 0) this.inFlightTotal--;
      counted.inFlight = concurrencyRelease(counted.inFlight);
      // A counter at zero is the same as no counter: forget it at once.
      if (counted.inFlight === 0 && this.table.peek(k) === counted) this.table.delete(k);
    }, true);
    return { decision, ticket };
  }

  private takeQuota(rule: QuotaRule, key: string, nowMs: number): LimitResult {
    const k = storeKey(rule, key);
    const found = this.table.use(k);
    const entry = found instanceof QuotaEntry && found.rule.windowMs === rule.windowMs ? found : undefined;
    const outcome = quotaTake(entry, rule, nowMs);
    const decision = quotaDecision(rule, outcome);
    if (!outcome.allowed) return { decision };
    const { next } = outcome;
    let counted: QuotaEntry;
    if (entry === undefined) {
      counted = new QuotaEntry(next.windowStart, next.current, next.previous, rule);
      this.table.insert(k, counted, this.nowMs);
    } else {
      counted = entry;
      counted.windowStart = next.windowStart;
      counted.current = next.current;
      counted.previous = next.previous;
      counted.rule = rule;
    }
    const countedIn = next.windowStart;
    const ticket = ticketOnce(() => {
      const undone = quotaRollback(counted, rule, countedIn);
      counted.current = undone.current;
      counted.previous = undone.previous;
    }, false);
    return { decision, ticket };
  }
}

/** One namespace per limit; NUL cannot occur in ids or in the header values keys come from. */
function storeKey(rule: LimitRule, key: string): string {
  return `${rule.type}\u0000${rule.id}\u0000${key}`;
}
