// Building blocks of the request and response schemas: every string has a length bound, every
// number a range, so each input is bounded before a handler sees it.
import { Type, type TSchema } from '@sinclair/typebox';
import { ID_PATTERN } from '../domain/ids.js';

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A runner's subject in a path: `me` or the token's own subject (printable ASCII, no slash). */
export const SubParams = Type.Object(
  { sub: Type.String({ minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x2e\\x30-\\x7e]+$', description: '`me` or the subject of the token' }) },
  { additionalProperties: false },
);

export const IdParam = Type.String({ pattern: ID_PATTERN, description: 'an opaque id' });

export const CalendarDateText = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', maxLength: 10, description: 'a calendar day, YYYY-MM-DD' });

export const UtcDateTimeText = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?Z$',
  maxLength: 32,
  description: 'an instant in ISO 8601 UTC, YYYY-MM-DDTHH:MM:SSZ (fractions are dropped)',
});

export const TimeZoneText = Type.String({ minLength: 1, maxLength: 64, description: 'an IANA time zone, e.g. Europe/Paris' });

export const Cursor = Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$', description: 'next_cursor of the previous page' });

export const Limit = (maximum: number, fallback: number) =>
  Type.Integer({ minimum: 1, maximum, description: `page size, 1 to ${maximum} (default ${fallback})` });
