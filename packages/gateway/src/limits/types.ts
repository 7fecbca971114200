// The contract between the gateway and its limit stores (memory, Redis). Every store gives the
// same decisions for the same inputs; the algorithms follow nginx limit_req / limit_conn and
// lua-resty-limit-traffic (see shared standards), and Kong's sliding window for quotas.

/** nginx limit_req: leaky bucket. `delay` 0 delays every excess request; N lets N pass at once; 'nodelay' lets the whole burst pass. */
export interface RateRule {
  type: 'rate';
  /** A stable id of this limit (route + index), part of every store key. */
  id: string;
  /** Requests per second (from "200r/s" or "600r/m" = 10 r/s). */
  ratePerSecond: number;
  burst: number;
  delay: number | 'nodelay';
}

/** nginx limit_conn / lua-resty limit.conn: `max` in flight, up to `burst` more delayed (queued), beyond rejected. */
export interface ConcurrencyRule {
  type: 'concurrency';
  id: string;
  max: number;
  burst: number;
}

/** Fixed or sliding (Kong estimate) window counter. */
export interface QuotaRule {
  type: 'quota';
  id: string;
  limit: number;
  windowMs: number;
  sliding: boolean;
}

export type LimitRule = RateRule | ConcurrencyRule | QuotaRule;

/** What a limit says about one request. */
export type LimitDecision =
  | {
      allowed: true;
      /** Milliseconds the request must wait before it is forwarded (0: at once). */
      delayMs: number;
      /** For RateLimit headers: the policy's quota and what is left of it, and seconds until it resets. */
      limit: number;
      remaining: number;
      resetSeconds: number;
    }
  | {
      allowed: false;
      /** Earliest moment a retry can pass, in seconds (Retry-After, never earlier than `resetSeconds`). */
      retryAfterSeconds: number;
      limit: number;
      remaining: 0;
      resetSeconds: number;
    };

/** A pass that was counted and may have to be undone (combine rollback) or ended (concurrency release). */
export interface LimitTicket {
  /** Undo the counting (another limit of the same request rejected it). */
  rollback(): void | Promise<void>;
  /** The request ended (response finished, client gone, error, timeout): concurrency limits release here. Idempotent. */
  release(): void | Promise<void>;
}

export interface LimitResult {
  decision: LimitDecision;
  /** Present when allowed. */
  ticket?: LimitTicket;
}

/** A store decides one limit for one key atomically. Memory stores answer synchronously. */
export interface LimitStore {
  readonly kind: 'memory' | 'redis';
  take(rule: LimitRule, key: string, nowMs: number): LimitResult | Promise<LimitResult>;
  close(): Promise<void>;
}
