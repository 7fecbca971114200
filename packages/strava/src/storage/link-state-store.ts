// OAuth `state` values of link flows in progress: stored hashed, single use, short-lived.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { StravaDatabase } from './schema.js';

export interface PendingLink {
  sub: string;
  returnTo: string;
  expiresAt: number;
}

const hashOf = (state: string): string => createHash('sha256').update(state).digest('base64url');

export class LinkStateStore {
  constructor(private readonly db: Kysely<StravaDatabase>) {}

  async save(state: string, link: PendingLink, now: number): Promise<void> {
    // Expired states of anyone are dropped on the way: the table never grows without bound.
    await this.db.deleteFrom('strava_link_states').where('expires_at', '<=', now).execute();
    await this.db.insertInto('strava_link_states').values({ state_hash: hashOf(state), sub: link.sub, return_to: link.returnTo, expires_at: link.expiresAt }).execute();
  }

  /** Takes the state out (a second use finds nothing); undefined when unknown. Expiry is the caller's to check. */
  async take(state: string): Promise<PendingLink | undefined> {
    const row = await this.db.deleteFrom('strava_link_states').where('state_hash', '=', hashOf(state)).returningAll().executeTakeFirst();
    return row ? { sub: row.sub, returnTo: row.return_to, expiresAt: row.expires_at } : undefined;
  }
}
