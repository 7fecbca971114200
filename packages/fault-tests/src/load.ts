// A bounded load: a few workers send requests one after another until a request count or a time
// is reached, whichever comes first. Each request has a client timeout, so a hang is seen as one
// (never waited out). Every outcome is kept with the phase of the test it started in, and the
// requests in flight can be listed at any moment (those a kill may take down).

export interface Outcome {
  /** What was asked, e.g. "GET runs". */
  readonly label: string;
  /** Which instance or gateway it went to. */
  readonly target: string;
  /** HTTP status; 0 when there was no answer (see error). */
  readonly status: number;
  /** `timeout` (the client gave up: a hang), or the connection error's code. */
  readonly error: string | undefined;
  readonly phase: string;
  readonly startedAt: number;
  readonly ms: number;
}

export interface Sent {
  readonly label: string;
  readonly target: string;
  readonly status: number;
}

export interface InFlight {
  label: string;
  target: string;
  readonly phase: string;
}

/** One request of a worker; `track` names where it goes (so that a kill can count it as in flight there). */
export type Step = (worker: number, index: number, signal: AbortSignal, track: InFlight) => Promise<Sent>;

export interface LoadOptions {
  workers: number;
  maxRequests: number;
  maxDurationMs: number;
  /** Most requests started per second, all workers together (a paced load leaves the machine room to restart what is killed). */
  ratePerSecond: number;
  /** Client timeout of one request: past it, the request counts as a hang. */
  timeoutMs: number;
  phase: () => string;
}

export interface RunningLoad {
  readonly done: Promise<Outcome[]>;
  /** The requests in flight right now. */
  inFlight(): InFlight[];
  /** Requests finished so far. */
  readonly outcomes: readonly Outcome[];
  /** No new request starts; `done` resolves once those in flight end. */
  stop(): void;
}

/** The code of a fetch failure: its cause's code (ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET...), or `timeout`. */
export function failureCode(error: unknown): string {
  const named = error as { name?: string; code?: string; cause?: { code?: string; name?: string } };
  if (named.name === 'TimeoutError' || named.cause?.name === 'TimeoutError') return 'timeout';
  return named.cause?.code ?? named.code ?? named.name ?? 'unknown';
}

export function runLoad(options: LoadOptions, step: Step): RunningLoad {
  const outcomes: Outcome[] = [];
  const inFlight = new Set<InFlight>();
  const startedAt0 = Date.now();
  const deadline = startedAt0 + options.maxDurationMs;
  let issued = 0;
  let stopped = false;
  const worker = async (id: number): Promise<void> => {
    while (!stopped && issued < options.maxRequests && Date.now() < deadline) {
      const index = issued++;
      const due = startedAt0 + (index * 1000) / options.ratePerSecond;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      if (stopped) break;
      const phase = options.phase();
      const track: InFlight = { label: '?', target: '?', phase };
      inFlight.add(track);
      const startedAt = Date.now();
      try {
        const sent = await step(id, index, AbortSignal.timeout(options.timeoutMs), track);
        outcomes.push({ label: sent.label, target: sent.target, status: sent.status, error: undefined, phase, startedAt, ms: Date.now() - startedAt });
      } catch (error) {
        outcomes.push({ label: track.label, target: track.target, status: 0, error: failureCode(error), phase, startedAt, ms: Date.now() - startedAt });
      } finally {
        inFlight.delete(track);
      }
    }
  };
  const done = Promise.all(Array.from({ length: options.workers }, (_, id) => worker(id))).then(() => outcomes);
  return { done, inFlight: () => [...inFlight], outcomes, stop: () => (stopped = true) };
}

/** Counts of `status` (or error) per phase, e.g. { during: { "200": 40, "503": 12 } }, for exact assertions and messages. */
export function statusesByPhase(outcomes: readonly Outcome[], filter: (outcome: Outcome) => boolean = () => true): Record<string, Record<string, number>> {
  const table: Record<string, Record<string, number>> = {};
  for (const outcome of outcomes) {
    if (!filter(outcome)) continue;
    const key = outcome.error === undefined ? String(outcome.status) : `${outcome.status}:${outcome.error}`;
    const phase = (table[outcome.phase] ??= {});
    phase[key] = (phase[key] ?? 0) + 1;
  }
  return table;
}
