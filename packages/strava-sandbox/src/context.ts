import type { FastifyBaseLogger } from 'fastify';
import { ActivityStore } from './athletes/activity-store.js';
import { athleteSeeds, generateHistory, seedAthlete } from './athletes/seed.js';
import { createPrng } from './random/prng.js';
import type { ActivityInput } from './athletes/model.js';
import { ClientRegistry } from './oauth/clients.js';
import { TokenStore } from './oauth/token-store.js';
import { SignInSessions } from './oauth/sign-in-sessions.js';
import { UsageMeter } from './rate-limits/usage-meter.js';
import { SubscriptionStore } from './webhooks/subscription-store.js';
import { EventDelivery } from './webhooks/event-delivery.js';
import { activityEventFor, deauthorizationEvent } from './webhooks/event-fanout.js';
import type { ResolvedOptions } from './options.js';

/** Everything the routes and the admin API share: the sandbox's whole in-memory state. */
export interface SandboxContext {
  options: ResolvedOptions;
  clock: () => number;
  clients: ClientRegistry;
  activities: ActivityStore;
  tokens: TokenStore;
  meter: UsageMeter;
  subscriptions: SubscriptionStore;
  delivery: EventDelivery;
  sessions: SignInSessions;
  /** Ends an athlete's link with an application and tells its subscription. */
  deauthorize(athleteId: number, clientId: string): boolean;
}

export function createContext(options: ResolvedOptions, logger: FastifyBaseLogger): SandboxContext {
  const clock = options.clock;
  const random = createPrng(options.seed.random ?? 1);
  const activities = new ActivityStore(random, clock);
  const now = clock();
  const history: Array<{ athleteId: number; input: ActivityInput }> = [];
  for (const seed of athleteSeeds(options.seed.athletes)) {
    const athlete = seedAthlete(seed, activities.newAthleteId(), random, now);
    activities.addAthlete(athlete);
    const inputs = seed.activities ?? generateHistory(athlete, options.seed.months ?? 4, random, now);
    for (const input of inputs) history.push({ athleteId: athlete.id, input });
  }
  activities.seedActivities(history);

  const clients = new ClientRegistry(options.clients);
  const tokens = new TokenStore(clock, options.tokenTtlSeconds);
  const subscriptions = new SubscriptionStore(clock);
  const delivery = new EventDelivery(
    { eventDelayMs: options.eventDelay, retryDelayMs: options.retryDelay, timeoutMs: options.callbackTimeout, attempts: 3 },
    logger,
  );
  const eventTime = () => Math.floor(clock() / 1000);

  activities.onChange((change) => {
    for (const grant of tokens.grantsOf(change.activity.athleteId)) {
      const subscription = subscriptions.ofClient(grant.clientId);
      if (!subscription) continue;
      const event = activityEventFor(change, grant, subscription, eventTime());
      if (event) delivery.send(subscription.callbackUrl, event);
    }
  });

  return {
    options,
    clock,
    clients,
    activities,
    tokens,
    meter: new UsageMeter(clock, options.rateLimits),
    subscriptions,
    delivery,
    sessions: new SignInSessions(clock),
    deauthorize(athleteId, clientId) {
      const existed = tokens.deauthorize(athleteId, clientId);
      const subscription = subscriptions.ofClient(clientId);
      if (existed && subscription) delivery.send(subscription.callbackUrl, deauthorizationEvent(athleteId, subscription, eventTime()));
      return existed;
    },
  };
}
