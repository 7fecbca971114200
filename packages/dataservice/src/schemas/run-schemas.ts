// What a run looks like on the wire, and every request that reads or writes runs.
import { Type, type Static } from '@sinclair/typebox';
import { CalendarDateText, Cursor, Limit, Nullable, TimeZoneText, UtcDateTimeText } from './common.js';

const Distance = Type.Number({ minimum: 0, maximum: 1_000_000, description: 'metres' });
const Duration = Type.Integer({ minimum: 0, maximum: 2_592_000, description: 'seconds' });
const Elevation = Type.Number({ minimum: 0, maximum: 100_000, description: 'metres' });
const Speed = Type.Number({ minimum: 0, maximum: 200, description: 'metres per second' });
const HeartRate = Type.Number({ minimum: 0, maximum: 300, description: 'beats per minute' });
const RunName = Type.String({ minLength: 1, maxLength: 255 });
const Description = Type.String({ maxLength: 10_000 });
const SportType = Type.String({ pattern: '^[A-Za-z]{1,40}$', description: "Strava's sport_type names: Run, TrailRun, VirtualRun..." });
const Polyline = Type.String({ maxLength: 50_000, description: 'an encoded polyline of the route (Google format)' });
const LocalDateTimeText = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z?$',
  maxLength: 20,
  description: 'wall time where the run started, YYYY-MM-DDTHH:MM:SS (a trailing Z, as Strava writes it, is accepted and dropped)',
});
const StravaId = Type.String({ pattern: '^[0-9]{1,20}$', description: "Strava's activity id, as a string" });
const ExternalId = Type.String({ pattern: '^sha256:[0-9a-f]{64}$', description: "sha256 of the activity file's bytes" });

export const RunSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Nullable(Type.String()),
    sport_type: Type.String(),
    start_date: Type.String({ description: 'ISO 8601 UTC, YYYY-MM-DDTHH:MM:SSZ' }),
    start_date_local: Type.String({ description: 'wall time where the run started, YYYY-MM-DDTHH:MM:SS' }),
    timezone: Type.String({ description: 'IANA time zone of the run' }),
    distance: Type.Number({ description: 'metres' }),
    moving_time: Type.Integer({ description: 'seconds' }),
    elapsed_time: Type.Integer({ description: 'seconds' }),
    total_elevation_gain: Type.Number({ description: 'metres' }),
    average_speed: Type.Number({ description: 'metres per second' }),
    max_speed: Nullable(Type.Number()),
    average_heartrate: Nullable(Type.Number()),
    max_heartrate: Nullable(Type.Number()),
    summary_polyline: Nullable(Type.String()),
    source: Type.Union([Type.Literal('strava'), Type.Literal('file'), Type.Literal('manual')]),
    strava_id: Nullable(Type.String()),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { $id: 'Run', additionalProperties: false },
);
export type Run = Static<typeof RunSchema>;

export const RunListSchema = Type.Object(
  {
    runs: Type.Array(Type.Ref(RunSchema)),
    next_cursor: Nullable(Type.String({ description: 'pass as ?cursor= for the next page; null on the last page' })),
  },
  { $id: 'RunList', additionalProperties: false },
);

export const RunsQuery = Type.Object(
  {
    year: Type.Optional(Type.Integer({ minimum: 1970, maximum: 2100, description: 'with month: the runs started in that month, in the runner\'s time zone, oldest first' })),
    month: Type.Optional(Type.Integer({ minimum: 1, maximum: 12 })),
    limit: Type.Optional(Limit(200, 50)),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
export type RunsQuery = Static<typeof RunsQuery>;

export const InternalRunsQuery = Type.Object(
  {
    year: Type.Optional(Type.Integer({ minimum: 1970, maximum: 2100 })),
    month: Type.Optional(Type.Integer({ minimum: 1, maximum: 12 })),
    from: Type.Optional(CalendarDateText),
    to: Type.Optional(CalendarDateText),
  },
  { additionalProperties: false },
);
export type InternalRunsQuery = Static<typeof InternalRunsQuery>;

/** The measured fields every written run carries. */
const measuredFields = {
  name: RunName,
  description: Type.Optional(Nullable(Description)),
  sport_type: SportType,
  start_date: UtcDateTimeText,
  timezone: Type.Optional(Nullable(TimeZoneText)),
  distance: Distance,
  moving_time: Duration,
  elapsed_time: Type.Optional(Duration),
  total_elevation_gain: Type.Optional(Elevation),
  average_speed: Type.Optional(Speed),
  max_speed: Type.Optional(Nullable(Speed)),
  average_heartrate: Type.Optional(Nullable(HeartRate)),
  max_heartrate: Type.Optional(Nullable(HeartRate)),
  summary_polyline: Type.Optional(Nullable(Polyline)),
};

export const NewRunSchema = Type.Object(measuredFields, {
  additionalProperties: false,
  description: 'a manual run; timezone defaults to the runner\'s, elapsed_time to moving_time, average_speed to distance / moving_time',
});
export type NewRun = Static<typeof NewRunSchema>;

export const RunChangesSchema = Type.Partial(Type.Object(measuredFields), {
  additionalProperties: false,
  minProperties: 1,
  description: 'fields to change; of a Strava or file run only name and description can change',
});
export type RunChanges = Static<typeof RunChangesSchema>;

export const ImportedRunSchema = Type.Object(
  {
    ...measuredFields,
    elapsed_time: Duration,
    source: Type.Union([Type.Literal('strava'), Type.Literal('file')]),
    strava_id: Type.Optional(Nullable(StravaId)),
    external_id: Type.Optional(Nullable(ExternalId)),
    start_date_local: Type.Optional(Nullable(LocalDateTimeText)),
  },
  { additionalProperties: false, description: 'a run imported from Strava (with strava_id) or from a file (with external_id)' },
);
export type ImportedRun = Static<typeof ImportedRunSchema>;

export const MAX_IMPORT_BATCH = 500;

export const ImportBatchSchema = Type.Object({ runs: Type.Array(ImportedRunSchema, { maxItems: MAX_IMPORT_BATCH }) }, { additionalProperties: false });
export type ImportBatch = Static<typeof ImportBatchSchema>;

export const ImportResultSchema = Type.Object(
  { created: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer() },
  { $id: 'ImportResult', additionalProperties: false },
);

export const DeletedSchema = Type.Object({ deleted: Type.Integer() }, { $id: 'Deleted', additionalProperties: false });

export const TotalsQuery = Type.Object(
  {
    from: CalendarDateText,
    to: CalendarDateText,
    period: Type.Union([Type.Literal('week'), Type.Literal('month')], { description: 'ISO weeks (Monday first) or calendar months' }),
  },
  { additionalProperties: false },
);
export type TotalsQuery = Static<typeof TotalsQuery>;

export const TotalsSchema = Type.Object(
  {
    period: Type.Union([Type.Literal('week'), Type.Literal('month')]),
    totals: Type.Array(
      Type.Object(
        {
          start: Type.String({ description: 'first day of the period, YYYY-MM-DD, in the runner\'s time zone' }),
          distance: Type.Number(),
          moving_time: Type.Integer(),
          elapsed_time: Type.Integer(),
          count: Type.Integer(),
          elevation_gain: Type.Number(),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { $id: 'Totals', additionalProperties: false },
);
export type Totals = Static<typeof TotalsSchema>;
