// Tables of the failure limits shared by all instances (migration 010). Times are epoch milliseconds.
import type { Generated } from 'kysely';

export interface FailureCountsTable {
  /** HMAC-SHA-256 of the throttle key (scope and key), under a per-installation key. */
  key_hash: string;
  /** Failures (or, for mail requests, requests) counted in the current window, by all instances. */
  count: number;
  window_end: number;
  /** Set when the count reached its limit: the key is refused until then. */
  block_revision: number | null;
  blocked_until: number | null;
}

export interface FailureBlockRevisionTable {
  id: number;
  revision: Generated<number>;
}

export interface ThrottleTables {
  failure_counts: FailureCountsTable;
  failure_block_revision: FailureBlockRevisionTable;
}
