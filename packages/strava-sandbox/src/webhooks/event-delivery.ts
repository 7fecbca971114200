import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';

/** The body Strava POSTs to a subscription's callback. */
export interface WebhookEvent {
  object_type: 'activity' | 'athlete';
  object_id: number;
  aspect_type: 'create' | 'update' | 'delete';
  updates: Record<string, string>;
  owner_id: number;
  subscription_id: number;
  event_time: number;
}

export interface DeliveryAttempt {
  /** The callback's status, when it answered in time. */
  status?: number;
  error?: string;
  durationMs: number;
}

export interface Delivery {
  callbackUrl: string;
  event: WebhookEvent;
  attempts: DeliveryAttempt[];
  state: 'pending' | 'delivered' | 'failed';
}

export interface DeliverySettings {
  /** Wait before the first attempt (Strava sends "shortly after" the change). */
  eventDelayMs: number;
  /** Wait between attempts. */
  retryDelayMs: number;
  /** An attempt succeeds on a 200 within this time (2 s on Strava). */
  timeoutMs: number;
  /** Attempts in all (3 on Strava). */
  attempts: number;
}

const KEPT_DELIVERIES = 1000;

/** POSTs events to callbacks, retrying until one attempt is answered 200 in time. */
export class EventDelivery {
  private readonly deliveries: Delivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly queues = new Map<string, Promise<void>>();
  private readonly stop = new AbortController();

  constructor(
    private readonly settings: DeliverySettings,
    private readonly logger: FastifyBaseLogger,
  ) {}

  /**
   * Queues the event behind the ones already going to the same callback: events reach a callback
   * one at a time, in the order of the changes (so tests can rely on it; Strava promises no order).
   */
  send(callbackUrl: string, event: WebhookEvent): Delivery {
    const delivery: Delivery = { callbackUrl, event, attempts: [], state: 'pending' };
    this.deliveries.push(delivery);
    if (this.deliveries.length > KEPT_DELIVERIES) this.deliveries.splice(0, this.deliveries.length - KEPT_DELIVERIES);
    const previous = this.queues.get(callbackUrl) ?? Promise.resolve();
    const running: Promise<void> = previous.then(() => this.run(delivery));
    this.queues.set(callbackUrl, running);
    this.inFlight.add(running);
    void running.finally(() => {
      this.inFlight.delete(running);
      if (this.queues.get(callbackUrl) === running) this.queues.delete(callbackUrl);
    });
    return delivery;
  }

  list(): Delivery[] {
    return [...this.deliveries];
  }

  /** Resolves when every delivery started so far has succeeded or given up. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  async close(): Promise<void> {
    this.stop.abort();
    await this.idle();
  }

  private async run(delivery: Delivery): Promise<void> {
    const signal = this.stop.signal;
    try {
      await sleep(this.settings.eventDelayMs, undefined, { signal });
      for (let attempt = 1; attempt <= this.settings.attempts; attempt++) {
        if (attempt > 1) await sleep(this.settings.retryDelayMs, undefined, { signal });
        const outcome = await this.attempt(delivery);
        delivery.attempts.push(outcome);
        if (outcome.status === 200) {
          delivery.state = 'delivered';
          return;
        }
        this.logger.warn({ callback: delivery.callbackUrl, attempt, status: outcome.status, error: outcome.error }, 'webhook event not acknowledged');
      }
      delivery.state = 'failed';
    } catch {
      // Closed while waiting: the delivery stays pending.
    }
  }

  private async attempt(delivery: Delivery): Promise<DeliveryAttempt> {
    const started = performance.now();
    const signal = AbortSignal.any([AbortSignal.timeout(this.settings.timeoutMs), this.stop.signal]);
    try {
      const response = await fetch(delivery.callbackUrl, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/json', 'user-agent': 'strava-sandbox-webhooks' },
        body: JSON.stringify(delivery.event),
        signal,
      });
      await response.body?.cancel();
      return { status: response.status, durationMs: Math.round(performance.now() - started) };
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      return { error: timedOut ? `no answer within ${this.settings.timeoutMs} ms` : 'connection failed', durationMs: Math.round(performance.now() - started) };
    }
  }
}
