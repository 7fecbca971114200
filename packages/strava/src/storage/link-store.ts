// The runners' links to Strava: athlete, tokens (sealed here, so nothing above sees ciphertext or
// SQL), and the progress of their import. Writes that belong to one link name its link_id, so a
// job of a link that has since ended changes nothing.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { tokenBinding, type TokenCipher } from '../crypto/token-cipher.js';
import type { LinksTable, StravaDatabase } from './schema.js';

export interface StravaTokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch seconds. */
  expiresAt: number;
}

export interface Link {
  sub: string;
  athleteId: number;
  linkId: string;
  scopes: string[];
  tokens: StravaTokens;
  tokenVersion: number;
  refreshLockUntil: number | null;
  linkedAt: number;
  historyBefore: number | null;
  historyDone: boolean;
  total: number | null;
  newestStart: number | null;
  lastError: string | null;
  lastSyncAt: number | null;
  pausedUntil: number | null;
}

export interface NewLink {
  sub: string;
  athleteId: number;
  linkId: string;
  scopes: string[];
  tokens: StravaTokens;
  linkedAt: number;
}

export type LinkProgress = Partial<Pick<LinksTable, 'history_before' | 'history_done' | 'total' | 'newest_start' | 'last_error' | 'last_sync_at' | 'paused_until'>>;

export class AthleteLinkedElsewhereError extends Error {
  constructor() {
    super('this Strava athlete is linked to another runner');
  }
}

export class RunnerLinkedElsewhereError extends Error {
  constructor() {
    super('this runner is linked to another Strava athlete');
  }
}

export class LinkStore {
  constructor(
    private readonly db: Kysely<StravaDatabase>,
    private readonly cipher: TokenCipher,
  ) {}

  async get(sub: string): Promise<Link | undefined> {
    const row = await this.db.selectFrom('strava_links').selectAll().where('sub', '=', sub).executeTakeFirst();
    return row ? this.toLink(row) : undefined;
  }

  async getByAthlete(athleteId: number): Promise<Link | undefined> {
    const row = await this.db.selectFrom('strava_links').selectAll().where('athlete_id', '=', athleteId).executeTakeFirst();
    return row ? this.toLink(row) : undefined;
  }

  async subjects(): Promise<string[]> {
    return (await this.db.selectFrom('strava_links').select('sub').orderBy('sub').execute()).map((row) => row.sub);
  }

  /**
   * Links the runner to the athlete: a new link (fresh progress) or, for the athlete already linked
   * to this runner, new tokens on the same link. Another runner's athlete is refused.
   */
  async link(link: NewLink): Promise<{ created: boolean; linkId: string }> {
    return this.db.transaction().execute(async (trx) => {
      const holder = await trx.selectFrom('strava_links').select(['sub', 'link_id']).where('athlete_id', '=', link.athleteId).executeTakeFirst();
      if (holder && holder.sub !== link.sub) throw new AthleteLinkedElsewhereError();
      const sealed = this.seal(link.sub, link.athleteId, link.tokens);
      if (holder) {
        await trx
          .updateTable('strava_links')
          .set({ ...sealed, scopes: link.scopes.join(','), token_version: sql`token_version + 1`, refresh_lock_until: null, last_error: null })
          .where('sub', '=', link.sub)
          .execute();
        return { created: false, linkId: holder.link_id };
      }
      // One link per runner: another athlete needs an unlink first.
      const current = await trx.selectFrom('strava_links').select('athlete_id').where('sub', '=', link.sub).executeTakeFirst();
      if (current) throw new RunnerLinkedElsewhereError();
      try {
        await trx
          .insertInto('strava_links')
          .values({
            sub: link.sub,
            athlete_id: link.athleteId,
            link_id: link.linkId,
            scopes: link.scopes.join(','),
            ...sealed,
            token_version: 1,
            refresh_lock_until: null,
            linked_at: link.linkedAt,
            history_before: null,
            history_done: 0,
            total: null,
            newest_start: null,
            last_error: null,
            last_sync_at: null,
            paused_until: null,
          })
          .execute();
      } catch (error) {
        // Two runners linking the same athlete at once: the unique index decides.
        if (/unique|duplicate/i.test(String((error as Error).message))) throw new AthleteLinkedElsewhereError();
        throw error;
      }
      return { created: true, linkId: link.linkId };
    });
  }

  /** Takes the right to refresh this version of the tokens until `untilMs`; false when another worker holds it or the tokens moved on. */
  async lockRefresh(sub: string, version: number, nowMs: number, untilMs: number): Promise<boolean> {
    const result = await this.db
      .updateTable('strava_links')
      .set({ refresh_lock_until: untilMs })
      .where('sub', '=', sub)
      .where('token_version', '=', version)
      .where((eb) => eb.or([eb('refresh_lock_until', 'is', null), eb('refresh_lock_until', '<=', nowMs)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Stores refreshed tokens if the row still holds `version` (compare-and-set); returns whether it did. */
  async saveRefreshed(link: Link, tokens: StravaTokens): Promise<boolean> {
    const result = await this.db
      .updateTable('strava_links')
      .set({ ...this.seal(link.sub, link.athleteId, tokens), token_version: link.tokenVersion + 1, refresh_lock_until: null })
      .where('sub', '=', link.sub)
      .where('token_version', '=', link.tokenVersion)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async releaseRefresh(sub: string, version: number): Promise<void> {
    await this.db.updateTable('strava_links').set({ refresh_lock_until: null }).where('sub', '=', sub).where('token_version', '=', version).execute();
  }

  /** Records progress of the given link; false when the link has ended or been replaced. */
  async recordProgress(sub: string, linkId: string, progress: LinkProgress): Promise<boolean> {
    const result = await this.db
      .updateTable('strava_links')
      .set(progress)
      .where('sub', '=', sub)
      .where('link_id', '=', linkId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Ends the link (its tokens go with the row); with linkId, only that link. */
  async remove(sub: string, linkId?: string): Promise<boolean> {
    let query = this.db.deleteFrom('strava_links').where('sub', '=', sub);
    if (linkId !== undefined) query = query.where('link_id', '=', linkId);
    return Number((await query.executeTakeFirst()).numDeletedRows) === 1;
  }

  private seal(sub: string, athleteId: number, tokens: StravaTokens) {
    return {
      access_token: this.cipher.seal(tokens.accessToken, tokenBinding(sub, athleteId, 'access_token')),
      refresh_token: this.cipher.seal(tokens.refreshToken, tokenBinding(sub, athleteId, 'refresh_token')),
      expires_at: tokens.expiresAt,
    };
  }

  private toLink(row: LinksTable): Link {
    const athleteId = Number(row.athlete_id);
    return {
      sub: row.sub,
      athleteId,
      linkId: row.link_id,
      scopes: row.scopes.split(',').filter(Boolean),
      tokens: {
        accessToken: this.cipher.open(row.access_token, tokenBinding(row.sub, athleteId, 'access_token')),
        refreshToken: this.cipher.open(row.refresh_token, tokenBinding(row.sub, athleteId, 'refresh_token')),
        expiresAt: Number(row.expires_at),
      },
      tokenVersion: Number(row.token_version),
      refreshLockUntil: row.refresh_lock_until === null ? null : Number(row.refresh_lock_until),
      linkedAt: Number(row.linked_at),
      historyBefore: row.history_before === null ? null : Number(row.history_before),
      historyDone: Number(row.history_done) === 1,
      total: row.total === null ? null : Number(row.total),
      newestStart: row.newest_start === null ? null : Number(row.newest_start),
      lastError: row.last_error,
      lastSyncAt: row.last_sync_at === null ? null : Number(row.last_sync_at),
      pausedUntil: row.paused_until === null ? null : Number(row.paused_until),
    };
  }
}
