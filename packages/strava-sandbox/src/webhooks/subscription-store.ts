import { isoSeconds } from '../athletes/local-time.js';

export interface Subscription {
  id: number;
  clientId: string;
  callbackUrl: string;
  createdAt: number;
  updatedAt: number;
}

/** Push subscriptions: at most one per application, as on Strava. */
export class SubscriptionStore {
  private readonly subscriptions = new Map<number, Subscription>();
  private nextId = 120_000;

  constructor(private readonly clock: () => number) {}

  ofClient(clientId: string): Subscription | undefined {
    return [...this.subscriptions.values()].find((subscription) => subscription.clientId === clientId);
  }

  add(clientId: string, callbackUrl: string): Subscription {
    const now = this.clock();
    const subscription = { id: ++this.nextId, clientId, callbackUrl, createdAt: now, updatedAt: now };
    this.subscriptions.set(subscription.id, subscription);
    return subscription;
  }

  remove(id: number, clientId: string): boolean {
    const subscription = this.subscriptions.get(id);
    if (!subscription || subscription.clientId !== clientId) return false;
    return this.subscriptions.delete(id);
  }
}

/** Strava's representation in `GET /push_subscriptions`. */
export function subscriptionJson(subscription: Subscription) {
  return {
    id: subscription.id,
    resource_state: 2,
    application_id: Number(subscription.clientId),
    callback_url: subscription.callbackUrl,
    created_at: isoSeconds(subscription.createdAt),
    updated_at: isoSeconds(subscription.updatedAt),
  };
}
