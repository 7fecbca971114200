import type { SandboxContext } from '../context.js';
import type { ActivityInput } from '../athletes/model.js';
import { summaryActivity } from '../api/activity-json.js';
import { isOnCallbackDomain } from '../oauth/clients.js';
import { parseRequestedScopes, withRequiredRead } from '../oauth/scopes.js';
import type { LimitPair, RateLimits } from '../rate-limits/usage-meter.js';
import type { Delivery } from '../webhooks/event-delivery.js';

/** A refused admin call: 404 for something unknown, 400 for a bad value; `field` names it. */
export class AdminError extends Error {
  constructor(
    readonly status: 400 | 404,
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export interface AthleteCredentials {
  id: number;
  username: string;
  password: string;
  firstname: string;
  lastname: string;
}

export interface ScriptedAuthorization {
  clientId: string;
  athleteId: number;
  /** Strava scope names; `read` is added as on the page. Default ['read']. */
  scopes?: string[];
  /** Checked against the application's callback domains when given. */
  redirectUri?: string;
}

/** For tests and demos: what a Strava athlete (or Strava itself) would do, without a browser. */
export interface SandboxAdmin {
  athletes(): AthleteCredentials[];
  /** All the athlete's activities (private ones too), newest first, as the API shows them. */
  activities(athleteId: number): Array<ReturnType<typeof summaryActivity>>;
  createActivity(athleteId: number, input?: ActivityInput): ReturnType<typeof summaryActivity>;
  updateActivity(activityId: number, input: ActivityInput): ReturnType<typeof summaryActivity>;
  deleteActivity(activityId: number): void;
  /** Ends the athlete's link with one application or all; returns how many links ended. */
  deauthorize(athleteId: number, clientId?: string): number;
  /** The athlete approves the application: a code to exchange at /oauth/token, and the granted scope. */
  authorize(request: ScriptedAuthorization): { code: string; scope: string };
  setRateLimits(limits: RateLimits | false): void;
  rateLimits(): { limits: RateLimits | false; usage: Record<string, { overall: LimitPair; read: LimitPair }> };
  resetUsage(clientId?: string): void;
  /** Makes the athlete's access tokens expire now; returns how many did. */
  expireTokens(athleteId: number, clientId?: string): number;
  /** Webhook deliveries so far (the last thousand), with their attempts. */
  deliveries(): Delivery[];
  /** Resolves when every webhook delivery started so far has finished. */
  webhooksIdle(): Promise<void>;
}

export function createAdmin(context: SandboxContext): SandboxAdmin {
  const athleteOrThrow = (athleteId: number) => {
    const athlete = context.activities.athlete(athleteId);
    if (!athlete) throw new AdminError(404, 'athlete_id', `no athlete ${athleteId}`);
    return athlete;
  };
  const activityOrThrow = (activityId: number) => {
    const activity = context.activities.activity(activityId);
    if (!activity) throw new AdminError(404, 'activity_id', `no activity ${activityId}`);
    return activity;
  };
  const clientOrThrow = (clientId: string) => {
    const client = context.clients.get(clientId);
    if (!client) throw new AdminError(404, 'client_id', `no application ${clientId}`);
    return client;
  };
  const checkStart = (input: ActivityInput) => {
    if (input.start_date !== undefined && Number.isNaN(Date.parse(input.start_date))) throw new AdminError(400, 'start_date', 'start_date is not an ISO 8601 date');
  };

  return {
    athletes: () =>
      context.activities.listAthletes().map(({ id, username, password, firstname, lastname }) => ({ id, username, password, firstname, lastname })),
    activities: (athleteId) => {
      athleteOrThrow(athleteId);
      return context.activities.listActivities(athleteId, { includePrivate: true }).map(summaryActivity);
    },
    createActivity: (athleteId, input = {}) => {
      athleteOrThrow(athleteId);
      checkStart(input);
      return summaryActivity(context.activities.createActivity(athleteId, input));
    },
    updateActivity: (activityId, input) => {
      activityOrThrow(activityId);
      checkStart(input);
      return summaryActivity(context.activities.updateActivity(activityId, input));
    },
    deleteActivity: (activityId) => {
      activityOrThrow(activityId);
      context.activities.deleteActivity(activityId);
    },
    deauthorize: (athleteId, clientId) => {
      athleteOrThrow(athleteId);
      if (clientId !== undefined) clientOrThrow(clientId);
      const targets = clientId !== undefined ? [clientId] : context.tokens.grantsOf(athleteId).map((grant) => grant.clientId);
      return targets.filter((target) => context.deauthorize(athleteId, target)).length;
    },
    authorize: ({ clientId, athleteId, scopes, redirectUri }) => {
      const client = clientOrThrow(clientId);
      athleteOrThrow(athleteId);
      if (redirectUri !== undefined && !isOnCallbackDomain(client, redirectUri)) throw new AdminError(400, 'redirect_uri', 'redirect_uri is not on the application\'s callback domains');
      const parsed = parseRequestedScopes((scopes ?? []).join(','));
      if (!parsed) throw new AdminError(400, 'scope', `unknown scope in ${JSON.stringify(scopes)}`);
      const granted = withRequiredRead(parsed);
      return { code: context.tokens.authorize(clientId, athleteId, granted), scope: granted.join(',') };
    },
    setRateLimits: (limits) => {
      try {
        context.meter.setLimits(limits);
      } catch (error) {
        throw new AdminError(400, 'rate_limits', (error as Error).message);
      }
    },
    rateLimits: () => ({
      limits: context.meter.currentLimits(),
      usage: Object.fromEntries(context.clients.list().map((client) => [client.clientId, context.meter.current(client.clientId)])),
    }),
    resetUsage: (clientId) => context.meter.reset(clientId),
    expireTokens: (athleteId, clientId) => {
      athleteOrThrow(athleteId);
      return context.tokens.expireAccessTokens(athleteId, clientId);
    },
    deliveries: () => context.delivery.list(),
    webhooksIdle: () => context.delivery.idle(),
  };
}
