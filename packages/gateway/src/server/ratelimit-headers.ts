// RateLimit-Policy and RateLimit fields (draft-ietf-httpapi-ratelimit-headers-10, structured
// field lists): `"name";q=<quota>;w=<window seconds>` and `"name";r=<remaining>;t=<seconds to reset>`.
// RateLimit reports the most restrictive limit of the request (the one combine chose).
import type { RouteLimit } from '../config/types.js';
import type { LimitDecision } from '../limits/types.js';

/** Whether a limit announces a policy (rate and quota do; concurrency is not a quota over time). */
export function announcesPolicy(limit: RouteLimit): boolean {
  return limit.policyQuota > 0;
}

/** The RateLimit-Policy value for a route's limits (names are sf-string safe by schema); computed once per route. */
export function policyHeaderValue(limits: readonly RouteLimit[]): string | undefined {
  const items = limits.filter(announcesPolicy).map((limit) => `"${limit.name}";q=${limit.policyQuota};w=${limit.policyWindowSeconds}`);
  return items.length === 0 ? undefined : items.join(', ');
}

/** The RateLimit value for one limit's decision. */
export function rateLimitHeaderValue(limit: RouteLimit, decision: LimitDecision): string {
  const remaining = Math.max(0, Math.floor(decision.remaining));
  const reset = Math.max(0, Math.ceil(decision.resetSeconds));
  return `"${limit.name}";r=${remaining};t=${reset}`;
}

/** Retry-After in whole seconds, never earlier than the RateLimit reset (draft section 5). */
export function retryAfterSeconds(decision: Extract<LimitDecision, { allowed: false }>): number {
  return Math.max(1, Math.ceil(decision.retryAfterSeconds), Math.ceil(decision.resetSeconds));
}
