// Races on the wire: visible to every runner, who learns only how many entered, never who.
import { Type, type Static } from '@sinclair/typebox';
import { CalendarDateText, Cursor, Limit, Nullable } from './common.js';

const RaceName = Type.String({ minLength: 1, maxLength: 200 });
const RaceDistance = Type.Number({ exclusiveMinimum: 0, maximum: 1_000_000, description: 'metres' });
const Location = Type.String({ minLength: 1, maxLength: 200 });
const RaceUrl = Type.String({ maxLength: 2048, pattern: '^[Hh][Tt][Tt][Pp][Ss]?://', description: 'an http or https URL' });

export const RaceSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    date: Type.String({ description: 'YYYY-MM-DD' }),
    distance: Type.Number({ description: 'metres' }),
    location: Nullable(Type.String()),
    url: Nullable(Type.String()),
    entrants: Type.Integer({ description: 'how many runners marked it' }),
    entered: Type.Boolean({ description: 'whether the caller marked it' }),
    created_by_me: Type.Boolean({ description: 'whether the caller created it (and so may change or delete it)' }),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { $id: 'Race', additionalProperties: false },
);
export type Race = Static<typeof RaceSchema>;

export const RaceListSchema = Type.Object(
  { races: Type.Array(Type.Ref(RaceSchema)), next_cursor: Nullable(Type.String()) },
  { $id: 'RaceList', additionalProperties: false },
);

export const RacesQuery = Type.Object(
  {
    from: Type.Optional(CalendarDateText),
    limit: Type.Optional(Limit(200, 50)),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
export type RacesQuery = Static<typeof RacesQuery>;

export const NewRaceSchema = Type.Object(
  { name: RaceName, date: CalendarDateText, distance: RaceDistance, location: Type.Optional(Nullable(Location)), url: Type.Optional(Nullable(RaceUrl)) },
  { additionalProperties: false },
);
export type NewRace = Static<typeof NewRaceSchema>;

export const RaceChangesSchema = Type.Partial(NewRaceSchema, { additionalProperties: false, minProperties: 1 });
export type RaceChanges = Static<typeof RaceChangesSchema>;

export const RaceParams = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$' }) }, { additionalProperties: false });
