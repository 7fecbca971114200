// Strava's OAuth and API v3, as Runnerly uses them. Every API call is counted against the
// application's budget before it is sent and reads the rate-limit headers of its answer; tokens
// travel only in the Authorization header (Strava's announced direction) or the token request body.
import type { RateBudget } from '../rate-limits/rate-budget.js';
import { describeFault, StravaError, StravaGrantError, StravaNotFoundError, StravaRateLimitedError, StravaUnauthorizedError, StravaUnavailableError } from './errors.js';
import { readRateLimitHeaders } from './rate-limit-headers.js';
import type { StravaDetailedActivity, StravaFaultBody, StravaPushSubscription, StravaSummaryActivity, StravaSummaryAthlete, StravaTokenResponse } from './types.js';
import { checkActivity, checkActivityList, checkAthlete, checkSubscriptionList, checkTokenResponse } from './response-checks.js';

export interface StravaClientOptions {
  oauthUrl: string;
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  budget: RateBudget;
  timeoutMs?: number;
}

export interface ListActivitiesQuery {
  before?: number;
  after?: number;
  page?: number;
  perPage?: number;
}

/** Background calls (imports, sweeps) keep the budget's margin free; the others may use it. */
export interface CallOptions {
  background?: boolean;
  signal?: AbortSignal;
}

/** Strava's largest page. */
export const MAX_PER_PAGE = 200;

export class StravaClient {
  constructor(private readonly options: StravaClientOptions) {}

  get budget(): RateBudget {
    return this.options.budget;
  }

  exchangeCode(code: string): Promise<StravaTokenResponse> {
    return this.tokenRequest({ grant_type: 'authorization_code', code });
  }

  refresh(refreshToken: string): Promise<StravaTokenResponse> {
    return this.tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  /** Ends the athlete's authorization of the application (all its tokens). A token Strava no longer knows is already deauthorized. */
  async deauthorize(accessToken: string): Promise<void> {
    const response = await this.send(`${this.options.oauthUrl}/deauthorize`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}` } });
    if (response.ok || response.status === 401) {
      await response.body?.cancel();
      return;
    }
    throw await this.failure(response, false);
  }

  async athlete(accessToken: string, options: CallOptions = {}): Promise<StravaSummaryAthlete> {
    return checkAthlete(await this.api('GET', '/athlete', { accessToken }, options));
  }

  async listActivities(accessToken: string, query: ListActivitiesQuery, options: CallOptions = {}): Promise<StravaSummaryActivity[]> {
    const params = new URLSearchParams();
    if (query.before !== undefined) params.set('before', String(query.before));
    if (query.after !== undefined) params.set('after', String(query.after));
    params.set('page', String(query.page ?? 1));
    params.set('per_page', String(Math.min(query.perPage ?? MAX_PER_PAGE, MAX_PER_PAGE)));
    return checkActivityList(await this.api('GET', `/athlete/activities?${params}`, { accessToken }, options));
  }

  async activity(accessToken: string, id: number, options: CallOptions = {}): Promise<StravaDetailedActivity> {
    return checkActivity(await this.api('GET', `/activities/${encodeURIComponent(String(id))}`, { accessToken }, options));
  }

  async listSubscriptions(): Promise<StravaPushSubscription[]> {
    const params = new URLSearchParams({ client_id: this.options.clientId, client_secret: this.options.clientSecret });
    return checkSubscriptionList(await this.api('GET', `/push_subscriptions?${params}`, {}, {}));
  }

  /** Strava calls the callback (the hub.challenge handshake) before it answers. */
  async createSubscription(callbackUrl: string, verifyToken: string): Promise<number> {
    const body = new URLSearchParams({ client_id: this.options.clientId, client_secret: this.options.clientSecret, callback_url: callbackUrl, verify_token: verifyToken });
    const created = (await this.api('POST', '/push_subscriptions', { form: body }, {})) as { id?: unknown };
    if (typeof created?.id !== 'number') throw new StravaUnavailableError('Strava answered a subscription without an id', 201, undefined);
    return created.id;
  }

  async deleteSubscription(id: number): Promise<void> {
    const params = new URLSearchParams({ client_id: this.options.clientId, client_secret: this.options.clientSecret });
    await this.api('DELETE', `/push_subscriptions/${id}?${params}`, {}, {});
  }

  private async tokenRequest(grant: Record<string, string>): Promise<StravaTokenResponse> {
    const body = new URLSearchParams({ client_id: this.options.clientId, client_secret: this.options.clientSecret, ...grant });
    const response = await this.send(`${this.options.oauthUrl}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: body.toString(),
    });
    if (response.status === 400 || response.status === 401) {
      const fault = await faultBody(response);
      throw new StravaGrantError(describeFault(response.status, fault), response.status, fault);
    }
    if (!response.ok) throw await this.failure(response, false);
    return checkTokenResponse(await json(response));
  }

  private async api(method: string, path: string, auth: { accessToken?: string; form?: URLSearchParams }, options: CallOptions): Promise<unknown> {
    const isRead = method === 'GET';
    const reservation = this.options.budget.reserve(isRead, options.background ?? false);
    if ('blockedUntil' in reservation) {
      throw new StravaRateLimitedError('the Strava budget of this window is spent', reservation.blockedUntil, undefined);
    }
    try {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (auth.accessToken !== undefined) headers.authorization = `Bearer ${auth.accessToken}`;
      if (auth.form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
      const response = await this.send(`${this.options.apiUrl}${path}`, { method, headers, ...(auth.form ? { body: auth.form.toString() } : {}) }, options.signal);
      this.options.budget.observe(readRateLimitHeaders(response.headers));
      if (response.status === 204) return undefined;
      if (!response.ok) throw await this.failure(response, isRead);
      return await json(response);
    } finally {
      reservation.release();
    }
  }

  private async send(url: string, init: RequestInit, signal?: AbortSignal): Promise<Response> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 15_000);
    try {
      return await fetch(url, { ...init, redirect: 'manual', signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    } catch (error) {
      const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${this.options.timeoutMs ?? 15_000} ms` : 'connection failed';
      throw new StravaUnavailableError(`Strava unreachable: ${reason}`, undefined, undefined);
    }
  }

  private async failure(response: Response, isRead: boolean): Promise<StravaError> {
    const fault = await faultBody(response);
    const message = describeFault(response.status, fault);
    if (response.status === 429) return new StravaRateLimitedError(message, this.options.budget.exhausted(isRead), fault);
    if (response.status === 401) return new StravaUnauthorizedError(message, 401, fault);
    if (response.status === 404) return new StravaNotFoundError(message, 404, fault);
    if (response.status >= 500) return new StravaUnavailableError(message, response.status, fault);
    return new StravaError(message, response.status, fault);
  }
}

async function json(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    throw new StravaUnavailableError(`Strava answered ${response.status} with a body that is not JSON`, response.status, undefined);
  }
}

async function faultBody(response: Response): Promise<StravaFaultBody | undefined> {
  try {
    const body = (await response.json()) as unknown;
    return body !== null && typeof body === 'object' ? (body as StravaFaultBody) : undefined;
  } catch {
    return undefined;
  }
}
