// Which Strava activities of each runner are in the data service because of this service: the
// runner's `imported` count, exact however often a page is re-sent or an event applied twice.
import type { Kysely } from 'kysely';
import type { StravaDatabase } from './schema.js';

export class ImportedRunStore {
  constructor(private readonly db: Kysely<StravaDatabase>) {}

  async record(sub: string, stravaIds: readonly string[]): Promise<void> {
    if (stravaIds.length === 0) return;
    await this.db
      .insertInto('strava_imported_runs')
      .values(stravaIds.map((strava_id) => ({ sub, strava_id })))
      .onConflict((oc) => oc.columns(['sub', 'strava_id']).doNothing())
      .execute();
  }

  async forget(sub: string, stravaId: string): Promise<void> {
    await this.db.deleteFrom('strava_imported_runs').where('sub', '=', sub).where('strava_id', '=', stravaId).execute();
  }

  async forgetAll(sub: string): Promise<void> {
    await this.db.deleteFrom('strava_imported_runs').where('sub', '=', sub).execute();
  }

  async count(sub: string): Promise<number> {
    const row = await this.db.selectFrom('strava_imported_runs').select((eb) => eb.fn.countAll<number | string>().as('count')).where('sub', '=', sub).executeTakeFirstOrThrow();
    return Number(row.count);
  }
}
