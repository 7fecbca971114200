// Races: shared by every runner. A race shows how many runners entered and whether the viewer
// did; who entered, and who created it, never leave this store.
import type { ExpressionBuilder, Kysely } from 'kysely';
import { newId } from '../domain/ids.js';
import type { Race } from '../schemas/race-schemas.js';
import { isForeignKeyViolation } from './constraint-violation.js';
import type { DataServiceDatabase, RaceTable } from './schema.js';

export interface RaceValues {
  name: string;
  date: string;
  distance: number;
  location: string | null;
  url: string | null;
}

/** Where an upcoming-first page stopped. */
export interface RacePageKey {
  date: string;
  id: string;
}

export interface RaceStore {
  /** Races on or after `fromDate`, soonest first (equal dates by id). */
  listUpcoming(viewer: string, fromDate: string, limit: number, after?: RacePageKey): Promise<{ races: Race[]; next: RacePageKey | null }>;
  find(viewer: string, id: string): Promise<Race | undefined>;
  /** The creator's subject, or undefined when there is no such race. */
  creatorOf(id: string): Promise<string | undefined>;
  create(creator: string, values: RaceValues, now: string): Promise<Race>;
  update(viewer: string, id: string, values: Partial<RaceValues>, now: string): Promise<Race | undefined>;
  delete(id: string): Promise<boolean>;
  /** False when there is no such race (also when it was deleted meanwhile). */
  enter(id: string, sub: string, now: string): Promise<boolean>;
  leave(id: string, sub: string): Promise<void>;
}

export class KyselyRaceStore implements RaceStore {
  constructor(private readonly db: Kysely<DataServiceDatabase>) {}

  private selectRaces(viewer: string) {
    return this.db
      .selectFrom('races')
      .selectAll('races')
      .select((eb: ExpressionBuilder<DataServiceDatabase, 'races'>) => [
        eb.selectFrom('race_entries').select(eb.fn.countAll<number>().as('n')).whereRef('race_entries.race_id', '=', 'races.id').as('entrants'),
        eb.exists(eb.selectFrom('race_entries').select('race_entries.race_id').whereRef('race_entries.race_id', '=', 'races.id').where('race_entries.user_sub', '=', viewer)).as('entered'),
      ]);
  }

  private toRace(row: RaceTable & { entrants: number | string | null; entered: unknown }, viewer: string): Race {
    return {
      id: row.id,
      name: row.name,
      date: row.date,
      distance: row.distance,
      location: row.location,
      url: row.url,
      entrants: Number(row.entrants ?? 0),
      entered: row.entered === true || row.entered === 1,
      created_by_me: row.created_by === viewer,
      created_at: row.created_at,
      updated_at: row.updated_at,
    };
  }

  async listUpcoming(viewer: string, fromDate: string, limit: number, after?: RacePageKey): Promise<{ races: Race[]; next: RacePageKey | null }> {
    let query = this.selectRaces(viewer).where('races.date', '>=', fromDate);
    if (after) {
      query = query.where((eb) => eb.or([eb('races.date', '>', after.date), eb.and([eb('races.date', '=', after.date), eb('races.id', '>', after.id)])]));
    }
    const rows = await query.orderBy('races.date', 'asc').orderBy('races.id', 'asc').limit(limit + 1).execute();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { races: page.map((row) => this.toRace(row, viewer)), next: rows.length > limit && last ? { date: last.date, id: last.id } : null };
  }

  async find(viewer: string, id: string): Promise<Race | undefined> {
    const row = await this.selectRaces(viewer).where('races.id', '=', id).executeTakeFirst();
    return row && this.toRace(row, viewer);
  }

  async creatorOf(id: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('races').select('created_by').where('id', '=', id).executeTakeFirst();
    return row?.created_by;
  }

  async create(creator: string, values: RaceValues, now: string): Promise<Race> {
    const row: RaceTable = { ...values, id: newId(), created_by: creator, created_at: now, updated_at: now };
    await this.db.insertInto('races').values(row).execute();
    return this.toRace({ ...row, entrants: 0, entered: false }, creator);
  }

  async update(viewer: string, id: string, values: Partial<RaceValues>, now: string): Promise<Race | undefined> {
    await this.db.updateTable('races').set({ ...values, updated_at: now }).where('id', '=', id).execute();
    return this.find(viewer, id);
  }

  async delete(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      // Entries go with their race (the foreign key cascades too; this does not rely on it being enforced).
      await trx.deleteFrom('race_entries').where('race_id', '=', id).execute();
      const result = await trx.deleteFrom('races').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  async enter(id: string, sub: string, now: string): Promise<boolean> {
    try {
      await this.db
        .insertInto('race_entries')
        .values({ race_id: id, user_sub: sub, created_at: now })
        .onConflict((conflict) => conflict.columns(['race_id', 'user_sub']).doNothing())
        .execute();
      return true;
    } catch (error) {
      if (isForeignKeyViolation(error)) return false;
      throw error;
    }
  }

  async leave(id: string, sub: string): Promise<void> {
    await this.db.deleteFrom('race_entries').where('race_id', '=', id).where('user_sub', '=', sub).execute();
  }
}
