// nginx `proxy_next_upstream error timeout`: a forward that failed before any response byte came
// back is sent to another of the route's upstreams, so a crashed or restarting instance costs the
// client nothing. Never once the answer has started (part of it is already with the client), never
// a body that streamed (it cannot be sent again), and a request that reached the upstream only when
// its method is idempotent: a POST the upstream may have acted on is answered 502, not repeated.
import type { NextUpstreamPolicy } from '../config/types.js';
import type { Upstream, UpstreamGroup } from './upstream.js';

/** RFC 9110 section 9.2.2: repeating these has the effect of sending them once. */
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/** Connecting failed, or the connection broke before the answer: nginx's `error`. */
const CONNECTION_ERRORS: ReadonlySet<string> = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED',
]);
/** Connecting or waiting for the response head took too long: nginx's `timeout`. */
const TIMEOUTS: ReadonlySet<string> = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT']);

/** How far a failed forward got. */
export interface FailedForward {
  readonly method: string;
  /** The error's code (undici or errno). */
  readonly code: string;
  /** The request was handed to a connection (its bytes may have reached the upstream). */
  readonly sent: boolean;
  /** The upstream's response head arrived (the client may already have part of the answer). */
  readonly responded: boolean;
  /** The body can be sent again: none, or buffered whole. */
  readonly replayable: boolean;
}

/** The next-upstream decisions of one request: which upstreams it has been tried on. */
export class NextUpstream {
  readonly #group: UpstreamGroup;
  readonly #policy: NextUpstreamPolicy;
  readonly #tried: Upstream[];

  constructor(group: UpstreamGroup, policy: NextUpstreamPolicy, first: Upstream) {
    this.#group = group;
    this.#policy = policy;
    this.#tried = [first];
  }

  /** Another upstream to send the request to after `failed`, or undefined when it must be answered as failed. */
  after(failed: FailedForward, nowMs: number): Upstream | undefined {
    if (!mayRetry(failed, this.#policy)) return undefined;
    const members = this.#group.members;
    const limit = this.#policy.tries === 0 ? members.length : this.#policy.tries;
    if (this.#tried.length >= limit) return undefined;
    const last = this.#tried[this.#tried.length - 1] as Upstream;
    const start = members.indexOf(last) + 1;
    // The members after the failed one in round-robin order, skipping those tried or cooling down.
    for (let offset = 0; offset < members.length; offset++) {
      const candidate = members[(start + offset) % members.length] as Upstream;
      if (this.#tried.includes(candidate) || !candidate.isAvailable(nowMs)) continue;
      this.#tried.push(candidate);
      return candidate;
    }
    return undefined;
  }
}

export function mayRetry(failed: FailedForward, policy: NextUpstreamPolicy): boolean {
  if (failed.responded || !failed.replayable) return false;
  const condition = CONNECTION_ERRORS.has(failed.code) ? 'error' : TIMEOUTS.has(failed.code) ? 'timeout' : undefined;
  if (condition === undefined || !policy.on.has(condition)) return false;
  // Never handed to a connection: the upstream saw nothing, whatever the method.
  return !failed.sent || IDEMPOTENT_METHODS.has(failed.method);
}
