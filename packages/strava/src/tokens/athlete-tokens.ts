// A valid Strava access token for a link: refreshed when under an hour is left or on a 401, the
// newest refresh token kept. Two workers (in this process or another) never both spend the same
// refresh token: the row's refresh lock picks one, which stores the new tokens with a
// compare-and-set on token_version; the others wait for the version to move and use its tokens.
import { setTimeout as sleep } from 'node:timers/promises';
import { StravaGrantError, StravaUnauthorizedError } from '../strava-client/errors.js';
import type { StravaClient } from '../strava-client/strava-client.js';
import type { Link, LinkStore } from '../storage/link-store.js';

/** Strava's advice: refresh when the access token expires within the hour. */
export const REFRESH_BELOW_SECONDS = 3600;

/** The link ended (unlinked, replaced, or revoked at Strava): its work has nothing left to do. */
export class LinkGoneError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'LinkGoneError';
  }
}

export interface AthleteTokensOptions {
  /** How long one refresher holds the row; default 30 s (longer than a token request may take). */
  lockMs?: number;
  /** How long a waiter waits for another's refresh; default 20 s. */
  waitMs?: number;
}

export class AthleteTokens {
  private readonly refreshing = new Map<string, Promise<Link>>();
  private readonly lockMs: number;
  private readonly waitMs: number;

  constructor(
    private readonly links: LinkStore,
    private readonly strava: StravaClient,
    private readonly clock: () => number,
    options: AthleteTokensOptions = {},
  ) {
    this.lockMs = options.lockMs ?? 30_000;
    this.waitMs = options.waitMs ?? 20_000;
  }

  /** Runs `call` with the link's access token; on a 401 refreshes once and runs it again. */
  async withAccessToken<T>(sub: string, linkId: string | undefined, call: (accessToken: string, link: Link) => Promise<T>): Promise<T> {
    let link = await this.links.get(sub);
    if (!link || (linkId !== undefined && link.linkId !== linkId)) throw new LinkGoneError('the runner is no longer linked to this Strava athlete');
    link = await this.fresh(link);
    try {
      return await call(link.tokens.accessToken, link);
    } catch (error) {
      if (!(error instanceof StravaUnauthorizedError)) throw error;
      link = await this.refresh(link);
      return call(link.tokens.accessToken, link);
    }
  }

  /** The link with an access token that has at least an hour left. */
  async fresh(link: Link): Promise<Link> {
    if (link.tokens.expiresAt - this.clock() / 1000 > REFRESH_BELOW_SECONDS) return link;
    return this.refresh(link);
  }

  /** Replaces the link's tokens of this version; concurrent callers in this process share one refresh. */
  refresh(link: Link): Promise<Link> {
    const key = `${link.sub}\n${link.tokenVersion}`;
    let pending = this.refreshing.get(key);
    if (!pending) {
      pending = this.refreshOnce(link).finally(() => this.refreshing.delete(key));
      this.refreshing.set(key, pending);
    }
    return pending;
  }

  private async refreshOnce(link: Link): Promise<Link> {
    const deadline = Date.now() + this.waitMs;
    for (;;) {
      const now = this.clock();
      if (await this.links.lockRefresh(link.sub, link.tokenVersion, now, now + this.lockMs)) return this.refreshHoldingLock(link);
      // Another worker holds the lock, or has already moved the tokens on.
      const current = await this.links.get(link.sub);
      if (!current || current.linkId !== link.linkId) throw new LinkGoneError('the runner is no longer linked to this Strava athlete');
      if (current.tokenVersion !== link.tokenVersion) return current;
      if (Date.now() > deadline) throw new Error('timed out waiting for another worker to refresh the Strava token');
      await sleep(50);
    }
  }

  private async refreshHoldingLock(link: Link): Promise<Link> {
    let answer;
    try {
      answer = await this.strava.refresh(link.tokens.refreshToken);
    } catch (error) {
      await this.links.releaseRefresh(link.sub, link.tokenVersion);
      if (error instanceof StravaGrantError) throw new LinkGoneError('Strava refused the refresh token: the athlete revoked access; link again');
      throw error;
    }
    const tokens = { accessToken: answer.access_token, refreshToken: answer.refresh_token, expiresAt: answer.expires_at };
    if (!(await this.links.saveRefreshed(link, tokens))) {
      // Only if our lock ran out and another refresher won: its tokens are the newest.
      const current = await this.links.get(link.sub);
      if (!current) throw new LinkGoneError('the runner is no longer linked to this Strava athlete');
      return current;
    }
    return { ...link, tokens, tokenVersion: link.tokenVersion + 1, refreshLockUntil: null };
  }
}
