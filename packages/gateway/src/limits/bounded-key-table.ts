// A Map with a hard cap on its size and least-recently-used eviction, shaped after nginx's
// ngx_http_limit_req_expire: every insertion first drops up to two idle entries from the
// least recently used end, and when the table is full it evicts the least recently used entry by
// force. Pinned entries (state that must not be forgotten, e.g. requests still in flight) are
// never evicted; if only pinned entries are left the table grows past the cap rather than lose
// them (their number is bounded by the requests actually running).
//
// The recency order is a doubly linked list threaded through the entries themselves (as nginx
// threads its queue through the rbtree nodes): re-inserting into a Map to reorder it leaves holes
// that make walking from the oldest end slow under a steady stream of lookups.

/** Base of every entry: the links the table keeps its recency order in. */
export class KeyTableEntry {
  /** Set by the table. */
  tableKey = '';
  older: KeyTableEntry | undefined = undefined;
  newer: KeyTableEntry | undefined = undefined;
}

export interface KeyTablePolicy<E> {
  /** The entry no longer changes any decision and can be dropped. */
  isIdle(entry: E, nowMs: number): boolean;
  /** The entry must not be evicted even when the table is full. */
  isPinned(entry: E): boolean;
}

/** Entries looked at per insertion for idle ones (nginx expires "one or two" per new node). */
const IDLE_SWEEP_PER_INSERT = 2;
/** Entries looked at when the table is full, before giving up and growing past the cap. */
const FORCED_EVICTION_SCAN = 64;

export class BoundedKeyTable<E extends KeyTableEntry> {
  private readonly entries = new Map<string, E>();
  private oldest: E | undefined;
  private newest: E | undefined;
  private forcedEvictions = 0;

  constructor(
    private readonly maxKeys: number,
    private readonly policy: KeyTablePolicy<E>,
  ) {
    if (!Number.isInteger(maxKeys) || maxKeys < 1) throw new RangeError(`maxKeys must be a positive integer, got ${maxKeys}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Entries evicted while not idle because the table was full (their state was lost). */
  get evictedBeforeIdle(): number {
    return this.forcedEvictions;
  }

  /** Looks an entry up and marks it most recently used. */
  use(key: string): E | undefined {
    const entry = this.entries.get(key);
    if (entry !== undefined && entry !== this.newest) {
      this.unlink(entry);
      this.linkAsNewest(entry);
    }
    return entry;
  }

  /** Looks an entry up without changing its place. */
  peek(key: string): E | undefined {
    return this.entries.get(key);
  }

  /** Adds an entry as most recently used (replacing one under the same key), making room first. */
  insert(key: string, entry: E, nowMs: number): void {
    this.delete(key);
    this.sweepIdle(nowMs);
    if (this.entries.size >= this.maxKeys) this.evictLeastRecentlyUsed(nowMs);
    entry.tableKey = key;
    this.entries.set(key, entry);
    this.linkAsNewest(entry);
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.unlink(entry);
  }

  clear(): void {
    this.entries.clear();
    this.oldest = undefined;
    this.newest = undefined;
  }

  /** Entries from the least to the most recently used. */
  *values(): IterableIterator<E> {
    for (let entry = this.oldest; entry !== undefined; entry = entry.newer as E | undefined) yield entry;
  }

  /** Drops idle entries from the least recently used end; stops at the first one in use. */
  private sweepIdle(nowMs: number): void {
    for (let looked = 0; looked < IDLE_SWEEP_PER_INSERT; looked++) {
      const entry = this.oldest;
      if (entry === undefined || !this.policy.isIdle(entry, nowMs)) return;
      this.delete(entry.tableKey);
    }
  }

  private evictLeastRecentlyUsed(nowMs: number): void {
    let entry = this.oldest;
    for (let looked = 0; entry !== undefined && looked < FORCED_EVICTION_SCAN; looked++) {
      if (!this.policy.isPinned(entry)) {
        if (!this.policy.isIdle(entry, nowMs)) this.forcedEvictions++;
        this.delete(entry.tableKey);
        return;
      }
      entry = entry.newer as E | undefined;
    }
  }

  private linkAsNewest(entry: E): void {
    entry.older = this.newest;
    entry.newer = undefined;
    if (this.newest !== undefined) this.newest.newer = entry;
    else this.oldest = entry;
    this.newest = entry;
  }

  private unlink(entry: E): void {
    if (entry.older !== undefined) entry.older.newer = entry.newer;
    else if (this.oldest === entry) this.oldest = entry.newer as E | undefined;
    if (entry.newer !== undefined) entry.newer.older = entry.older;
    else if (this.newest === entry) this.newest = entry.older as E | undefined;
    entry.older = undefined;
    entry.newer = undefined;
  }
}
