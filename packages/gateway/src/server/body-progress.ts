// The request body timeout (nginx `client_body_timeout`): while the gateway reads a body, the client
// must send something at least every `timeoutMs`, or it is answered 408. A connection's byte count
// (socket.bytesRead) is sampled a few times per period rather than a timer reset on every chunk:
// chunks are consumed by undici or the body buffer, not here, and sampling costs one timer per body.
// Time the gateway itself is not reading (its buffer holds unread bytes: the upstream is slow to
// take them) is not the client's fault and counts as progress.
import type { IncomingMessage } from 'node:http';

/** Samples per timeout period: the timeout fires at most a quarter of it late. */
const SAMPLES_PER_PERIOD = 4;

function sample(watch: BodyProgressWatch): void {
  watch.sample();
}

export class BodyProgressWatch {
  readonly #req: IncomingMessage;
  readonly #timeoutMs: number;
  readonly #onStalled: () => void;
  readonly #timer: NodeJS.Timeout;
  #bytesRead: number;
  #progressAt: number;

  constructor(req: IncomingMessage, timeoutMs: number, onStalled: () => void) {
    this.#req = req;
    this.#timeoutMs = timeoutMs;
    this.#onStalled = onStalled;
    this.#bytesRead = req.socket.bytesRead;
    this.#progressAt = performance.now();
    this.#timer = setInterval(sample, Math.max(1, Math.floor(timeoutMs / SAMPLES_PER_PERIOD)), this);
    this.#timer.unref();
  }

  /** Timer callback. */
  sample(): void {
    const req = this.#req;
    if (req.complete || req.destroyed) return this.stop();
    const now = performance.now();
    const bytesRead = req.socket?.bytesRead ?? this.#bytesRead;
    if (bytesRead !== this.#bytesRead || req.readableLength > 0) {
      this.#bytesRead = bytesRead;
      this.#progressAt = now;
      return;
    }
    if (now - this.#progressAt < this.#timeoutMs) return;
    this.stop();
    this.#onStalled();
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
