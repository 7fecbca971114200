// Several limits on one request, combined as lua-resty-limit-traffic's limit.traffic.combine does:
// they are taken in order; the first rejection undoes the ones already counted (so a rejected
// request uses up nothing anywhere) and stops. When all pass, the request waits for the longest
// delay, and the headers report the most restrictive limit that announces a policy (a concurrency
// limit announces none, so it is never the one shown on a pass). Stays synchronous as long as the store
// answers synchronously (the memory store), so the hot path allocates no promises.

import type { LimitDecision, LimitResult, LimitRule, LimitStore, LimitTicket } from './types.js';

export interface KeyedLimit {
  rule: LimitRule;
  /** The client's key for this rule (address, subject, header value...). */
  key: string;
}

export interface CombinedResult {
  /** The rejection, or a pass with the longest delay and the numbers of the most restrictive limit. */
  decision: LimitDecision;
  /** The rule the decision's numbers come from; undefined when there were no limits. */
  rule: LimitRule | undefined;
  /** Present when allowed: release when the request ends (rollback undoes all the counting). */
  ticket?: LimitTicket;
}

type Settled = void | Promise<void>;

function noLimits(): CombinedResult {
  return {
    decision: { allowed: true, delayMs: 0, limit: 0, remaining: 0, resetSeconds: 0 },
    rule: undefined,
    ticket: { rollback() {}, release() {} },
  };
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | undefined)?.then === 'function';
}

/** Runs `action` on every ticket; waits only if some of them answer with a promise. Failures are reported after all ran. */
function forEachTicket(tickets: readonly LimitTicket[], action: (ticket: LimitTicket) => Settled): Settled {
  const pending: Promise<void>[] = [];
  const errors: unknown[] = [];
  for (const ticket of tickets) {
    try {
      const result = action(ticket);
      if (isPromise(result)) pending.push(result);
    } catch (error) {
      errors.push(error);
    }
  }
  const finish = (): void => {
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, 'several limit tickets failed');
  };
  if (pending.length === 0) return finish();
  return Promise.allSettled(pending).then((outcomes) => {
    for (const outcome of outcomes) if (outcome.status === 'rejected') errors.push(outcome.reason);
    finish();
  });
}

/** One ticket for all: release and rollback each reach every limit once. */
function combinedTicket(tickets: readonly LimitTicket[]): LimitTicket {
  let released = false;
  let rolledBack = false;
  return {
    rollback: () => {
      if (rolledBack) return;
      rolledBack = true;
      return forEachTicket(tickets, (ticket) => ticket.rollback());
    },
    release: () => {
      if (released) return;
      released = true;
      return forEachTicket(tickets, (ticket) => ticket.release());
    },
  };
}

/** Fewer requests left is more restrictive; with as many left, the later reset is. */
function moreRestrictive(a: LimitDecision, b: LimitDecision): boolean {
  if (a.remaining !== b.remaining) return a.remaining < b.remaining;
  return a.resetSeconds > b.resetSeconds;
}

/** Rate limits and quotas announce a RateLimit policy; concurrency limits do not. */
function announcesPolicy(rule: LimitRule): boolean {
  return rule.type !== 'concurrency';
}

class Combination {
  private readonly tickets: LimitTicket[] = [];
  private delayMs = 0;
  private shown: { decision: LimitDecision; rule: LimitRule } | undefined;
  /** The first pass, for the numbers when no limit announces a policy. */
  private first: { decision: LimitDecision; rule: LimitRule } | undefined;

  constructor(
    private readonly store: LimitStore,
    private readonly limits: readonly KeyedLimit[],
    private readonly nowMs: number,
  ) {}

  run(from: number): CombinedResult | Promise<CombinedResult> {
    for (let i = from; i < this.limits.length; i++) {
      const { rule, key } = this.limits[i]!;
      let result: LimitResult | Promise<LimitResult>;
      try {
        result = this.store.take(rule, key, this.nowMs);
      } catch (error) {
        return this.undoThen(() => {
          throw error;
        });
      }
      if (isPromise(result)) {
        return result.then(
          (settled) => this.accept(rule, settled) ?? this.run(i + 1),
          (error: unknown) =>
            this.undoThen(() => {
              throw error;
            }),
        );
      }
      const rejected = this.accept(rule, result);
      if (rejected) return rejected;
    }
    return this.passed();
  }

  /** Records a pass; for a rejection, undoes what was counted and answers with it. */
  private accept(rule: LimitRule, result: LimitResult): CombinedResult | Promise<CombinedResult> | undefined {
    const { decision, ticket } = result;
    if (!decision.allowed) return this.undoThen(() => ({ decision, rule }));
    if (ticket) this.tickets.push(ticket);
    if (decision.delayMs > this.delayMs) this.delayMs = decision.delayMs;
    this.first ??= { decision, rule };
    if (announcesPolicy(rule) && (this.shown === undefined || moreRestrictive(decision, this.shown.decision))) this.shown = { decision, rule };
    return undefined;
  }

  private passed(): CombinedResult {
    const chosen = this.shown ?? this.first;
    if (chosen === undefined) return noLimits();
    const shown = chosen.decision as Extract<LimitDecision, { allowed: true }>;
    return {
      decision: { ...shown, delayMs: this.delayMs },
      rule: chosen.rule,
      ticket: combinedTicket(this.tickets),
    };
  }

  /** Rolls back every counted limit (limit.traffic.combine's uncommit), then answers. */
  private undoThen<T>(answer: () => T): T | Promise<T> {
    let undone: Settled;
    try {
      undone = forEachTicket(this.tickets, (ticket) => ticket.rollback());
    } catch {
      // A store that cannot undo reports that itself; the request's answer stays the same.
      undone = undefined;
    }
    return isPromise(undone) ? undone.then(answer, answer) : answer();
  }
}

/**
 * Takes every limit for one request at `nowMs`. Synchronous when the store is; a store failure
 * rolls back what was counted and is rethrown.
 */
export function takeAll(
  store: LimitStore,
  limits: readonly KeyedLimit[],
  nowMs: number,
): CombinedResult | Promise<CombinedResult> {
  if (limits.length === 0) return noLimits();
  return new Combination(store, limits, nowMs).run(0);
}
