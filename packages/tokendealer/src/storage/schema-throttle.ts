// Tables of the failure limits shared by all instances (migration 010). Times are epoch milliseconds.
import type { Generated } from 'kysely';

export interface FailureCountsTable {
  /** HMAC-SHA-256 of the throttle key (its JSON: kind, subject, address), under a per-installation key. */
  key_hash: string;
  /** The key's kind (throttle-key.ts), which fixes its limit; null in rows from before migration 011. */
  kind: string | null;
  /** HMAC-SHA-256 of whom the key names (throttleSubject) and of its address group: what `throttle clear` looks for. */
  subject_hash: string | null;
  address_hash: string | null;
  /** Failures (or, for mail requests, requests) counted in the current window, by all instances. */
  count: number;
  window_end: number;
  /** When the key was last blocked, or cleared by an operator (then blocked_until is null): readers poll for newer ones. */
  block_revision: number | null;
  /** Set when the count reached its limit: the key is refused until then. */
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
