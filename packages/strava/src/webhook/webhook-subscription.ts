// The application's one push subscription: created at start when a callback URL is configured,
// reused when Strava already has one for that URL (one for another URL is replaced). Its id is
// what incoming events must name.
import type { ServiceContext } from '../service-context.js';

const SETTING = 'webhook_subscription_id';

export class WebhookSubscription {
  id: number | undefined;

  constructor(private readonly context: ServiceContext) {}

  /** The id stored by an earlier start, so events are accepted before the handshake completes. */
  async load(): Promise<void> {
    const stored = await this.context.settings.get(SETTING);
    this.id = stored === undefined ? undefined : Number(stored);
  }

  /** Runs once the server listens: Strava calls the callback before answering the creation. */
  async ensure(callbackUrl: string, verifyToken: string): Promise<number> {
    const { strava, settings, logger } = this.context;
    const existing = await strava.listSubscriptions();
    const same = existing.find((subscription) => subscription.callback_url === undefined || subscription.callback_url === callbackUrl);
    let id: number;
    if (same) {
      id = same.id;
    } else {
      for (const other of existing) {
        logger.warn({ subscription_id: other.id, callback_url: other.callback_url }, 'replacing the Strava subscription of another callback URL');
        await strava.deleteSubscription(other.id);
      }
      id = await strava.createSubscription(callbackUrl, verifyToken);
    }
    this.id = id;
    await settings.set(SETTING, String(id));
    logger.info({ subscription_id: id, reused: same !== undefined }, 'Strava webhook subscription ready');
    return id;
  }
}
