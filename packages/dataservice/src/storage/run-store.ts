// Runs: one runner's at a time, by month, by range or by page, and the imports that keep Strava's
// and files' runs in step without ever duplicating them.
import type { Kysely, Selectable, Transaction } from 'kysely';
import { newId } from '../domain/ids.js';
import { formatUtc } from '../domain/time-zone.js';
import type { Run } from '../schemas/run-schemas.js';
import type { DataServiceDatabase, RunTable } from './schema.js';
import { isUniqueViolation } from './constraint-violation.js';

/** What a run measures and says, as stored. */
export interface RunValues {
  name: string;
  description: string | null;
  sport_type: string;
  start_time: number;
  start_date_local: string;
  timezone: string;
  distance: number;
  moving_time: number;
  elapsed_time: number;
  total_elevation_gain: number;
  average_speed: number;
  max_speed: number | null;
  average_heartrate: number | null;
  max_heartrate: number | null;
  summary_polyline: string | null;
}

const VALUE_COLUMNS = [
  'name',
  'description',
  'sport_type',
  'start_time',
  'start_date_local',
  'timezone',
  'distance',
  'moving_time',
  'elapsed_time',
  'total_elevation_gain',
  'average_speed',
  'max_speed',
  'average_heartrate',
  'max_heartrate',
  'summary_polyline',
] as const satisfies readonly (keyof RunValues)[];

/** An imported run and its identity within its source (the Strava id or the file's sha256). */
export interface ImportedRunValues extends RunValues {
  source: 'strava' | 'file';
  source_key: string;
  strava_id: string | null;
}

export interface ImportOutcome {
  run_id: string;
  status: 'created' | 'updated' | 'unchanged';
}

/** Where a most-recent-first page stopped: the last run it held. */
export interface RunPageKey {
  start_time: number;
  id: string;
}

/** The few columns totals add up. */
export interface RunMeasures {
  start_time: number;
  distance: number;
  moving_time: number;
  elapsed_time: number;
  total_elevation_gain: number;
}

export interface RunStore {
  find(sub: string, id: string): Promise<Run | undefined>;
  /** Runs started in [start, end), oldest first (equal starts by id), at most `cap`. */
  listBetween(sub: string, start: number, end: number, cap: number): Promise<Run[]>;
  /** Most recent first, after `before` when given; `next` is set when more runs follow. */
  listRecent(sub: string, limit: number, before?: RunPageKey): Promise<{ runs: Run[]; next: RunPageKey | null }>;
  measuresBetween(sub: string, start: number, end: number): Promise<RunMeasures[]>;
  createManual(sub: string, values: RunValues, now: string): Promise<Run>;
  update(sub: string, id: string, values: Partial<RunValues>, now: string): Promise<Run | undefined>;
  delete(sub: string, id: string): Promise<boolean>;
  /** Creates or updates each run by its identity, all in one transaction. */
  importRuns(sub: string, runs: readonly ImportedRunValues[], now: string): Promise<ImportOutcome[]>;
  deleteStravaRun(sub: string, stravaId: string): Promise<number>;
  deleteBySource(sub: string, source: 'strava' | 'file' | 'manual'): Promise<number>;
  /** Runners with a run started in [start, end), by subject, after `after`. */
  runnersWithRunsBetween(start: number, end: number, after: string | undefined, limit: number): Promise<string[]>;
  hasRunBetween(sub: string, start: number, end: number): Promise<boolean>;
}

function toRun(row: Selectable<RunTable>): Run {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    sport_type: row.sport_type,
    start_date: formatUtc(row.start_time),
    start_date_local: row.start_date_local,
    timezone: row.timezone,
    distance: row.distance,
    moving_time: row.moving_time,
    elapsed_time: row.elapsed_time,
    total_elevation_gain: row.total_elevation_gain,
    average_speed: row.average_speed,
    max_speed: row.max_speed,
    average_heartrate: row.average_heartrate,
    max_heartrate: row.max_heartrate,
    summary_polyline: row.summary_polyline,
    source: row.source,
    strava_id: row.strava_id,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function valuesOf(run: RunValues): RunValues {
  return Object.fromEntries(VALUE_COLUMNS.map((column) => [column, run[column]])) as unknown as RunValues;
}

function sameValues(row: Selectable<RunTable>, run: ImportedRunValues): boolean {
  return VALUE_COLUMNS.every((column) => row[column] === run[column]) && row.strava_id === run.strava_id;
}

export class KyselyRunStore implements RunStore {
  constructor(private readonly db: Kysely<DataServiceDatabase>) {}

  async find(sub: string, id: string): Promise<Run | undefined> {
    const row = await this.db.selectFrom('runs').selectAll().where('user_sub', '=', sub).where('id', '=', id).executeTakeFirst();
    return row && toRun(row);
  }

  async listBetween(sub: string, start: number, end: number, cap: number): Promise<Run[]> {
    const rows = await this.db
      .selectFrom('runs')
      .selectAll()
      .where('user_sub', '=', sub)
      .where('start_time', '>=', start)
      .where('start_time', '<', end)
      .orderBy('start_time', 'asc')
      .orderBy('id', 'asc')
      .limit(cap)
      .execute();
    return rows.map(toRun);
  }

  async listRecent(sub: string, limit: number, before?: RunPageKey): Promise<{ runs: Run[]; next: RunPageKey | null }> {
    let query = this.db.selectFrom('runs').selectAll().where('user_sub', '=', sub);
    if (before) {
      // (start_time, id) strictly after the cursor in descending order: stable under equal start times.
      query = query.where((eb) =>
        eb.or([eb('start_time', '<', before.start_time), eb.and([eb('start_time', '=', before.start_time), eb('id', '<', before.id)])]),
      );
    }
    const rows = await query.orderBy('start_time', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { runs: page.map(toRun), next: rows.length > limit && last ? { start_time: last.start_time, id: last.id } : null };
  }

  async measuresBetween(sub: string, start: number, end: number): Promise<RunMeasures[]> {
    return this.db
      .selectFrom('runs')
      .select(['start_time', 'distance', 'moving_time', 'elapsed_time', 'total_elevation_gain'])
      .where('user_sub', '=', sub)
      .where('start_time', '>=', start)
      .where('start_time', '<', end)
      .execute();
  }

  async createManual(sub: string, values: RunValues, now: string): Promise<Run> {
    const id = newId();
    const row: RunTable = { ...valuesOf(values), id, user_sub: sub, source: 'manual', source_key: id, strava_id: null, created_at: now, updated_at: now };
    await this.db.insertInto('runs').values(row).execute();
    return toRun(row);
  }

  async update(sub: string, id: string, values: Partial<RunValues>, now: string): Promise<Run | undefined> {
    const result = await this.db.updateTable('runs').set({ ...values, updated_at: now }).where('user_sub', '=', sub).where('id', '=', id).executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return undefined;
    return this.find(sub, id);
  }

  async delete(sub: string, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('runs').where('user_sub', '=', sub).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async importRuns(sub: string, runs: readonly ImportedRunValues[], now: string): Promise<ImportOutcome[]> {
    if (runs.length === 0) return [];
    try {
      return await this.db.transaction().execute((trx) => this.importIn(trx, sub, runs, now));
    } catch (error) {
      // A concurrent import of the same runs inserted first: a second pass sees its rows.
      if (!isUniqueViolation(error)) throw error;
      return this.db.transaction().execute((trx) => this.importIn(trx, sub, runs, now));
    }
  }

  private async importIn(trx: Transaction<DataServiceDatabase>, sub: string, runs: readonly ImportedRunValues[], now: string): Promise<ImportOutcome[]> {
    const identity = (source: string, key: string): string => `${source}\u0000${key}`;
    const existing = new Map<string, Selectable<RunTable>>();
    for (const source of ['strava', 'file'] as const) {
      const keys = [...new Set(runs.filter((run) => run.source === source).map((run) => run.source_key))];
      if (keys.length === 0) continue;
      const rows = await trx.selectFrom('runs').selectAll().where('user_sub', '=', sub).where('source', '=', source).where('source_key', 'in', keys).execute();
      for (const row of rows) existing.set(identity(row.source, row.source_key), row);
    }
    const outcomes: ImportOutcome[] = [];
    for (const run of runs) {
      const key = identity(run.source, run.source_key);
      const found = existing.get(key);
      if (found === undefined) {
        const row: RunTable = { ...valuesOf(run), id: newId(), user_sub: sub, source: run.source, source_key: run.source_key, strava_id: run.strava_id, created_at: now, updated_at: now };
        await trx.insertInto('runs').values(row).execute();
        existing.set(key, row);
        outcomes.push({ run_id: row.id, status: 'created' });
      } else if (sameValues(found, run)) {
        outcomes.push({ run_id: found.id, status: 'unchanged' });
      } else {
        const changed = { ...valuesOf(run), strava_id: run.strava_id, updated_at: now };
        await trx.updateTable('runs').set(changed).where('id', '=', found.id).execute();
        existing.set(key, { ...found, ...changed });
        outcomes.push({ run_id: found.id, status: 'updated' });
      }
    }
    return outcomes;
  }

  async deleteStravaRun(sub: string, stravaId: string): Promise<number> {
    const result = await this.db.deleteFrom('runs').where('user_sub', '=', sub).where('source', '=', 'strava').where('source_key', '=', stravaId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async deleteBySource(sub: string, source: 'strava' | 'file' | 'manual'): Promise<number> {
    const result = await this.db.deleteFrom('runs').where('user_sub', '=', sub).where('source', '=', source).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async runnersWithRunsBetween(start: number, end: number, after: string | undefined, limit: number): Promise<string[]> {
    let query = this.db.selectFrom('runs').select('user_sub').distinct().where('start_time', '>=', start).where('start_time', '<', end);
    if (after !== undefined) query = query.where('user_sub', '>', after);
    const rows = await query.orderBy('user_sub').limit(limit).execute();
    return rows.map((row) => row.user_sub);
  }

  async hasRunBetween(sub: string, start: number, end: number): Promise<boolean> {
    const row = await this.db.selectFrom('runs').select('id').where('user_sub', '=', sub).where('start_time', '>=', start).where('start_time', '<', end).limit(1).executeTakeFirst();
    return row !== undefined;
  }
}
