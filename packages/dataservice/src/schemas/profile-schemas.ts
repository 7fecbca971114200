// A runner's profile on the wire, and what a runner may change in it.
import { Type, type Static } from '@sinclair/typebox';
import { Nullable, TimeZoneText } from './common.js';

const Units = Type.Union([Type.Literal('km'), Type.Literal('mi')]);

export const ProfileSchema = Type.Object(
  {
    id: Type.String({ description: 'the runner\'s subject' }),
    display_name: Nullable(Type.String()),
    timezone: Type.String({ description: 'IANA time zone: months and weeks are counted on this calendar' }),
    units: Units,
    birth_year: Nullable(Type.Integer()),
    weight_kg: Nullable(Type.Number()),
    max_heartrate: Nullable(Type.Integer()),
    resting_heartrate: Nullable(Type.Integer()),
    email: Nullable(Type.String({ description: 'kept from the sign-in (read-only here): where monthly reports go' })),
    report_emails: Type.Boolean({ description: 'whether monthly reports are e-mailed' }),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { $id: 'Profile', additionalProperties: false },
);
export type Profile = Static<typeof ProfileSchema>;

export const ProfileChangesSchema = Type.Object(
  {
    display_name: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100 }))),
    timezone: Type.Optional(TimeZoneText),
    units: Type.Optional(Units),
    birth_year: Type.Optional(Nullable(Type.Integer({ minimum: 1900, maximum: 2100 }))),
    weight_kg: Type.Optional(Nullable(Type.Number({ minimum: 20, maximum: 400 }))),
    max_heartrate: Type.Optional(Nullable(Type.Integer({ minimum: 100, maximum: 250 }))),
    resting_heartrate: Type.Optional(Nullable(Type.Integer({ minimum: 25, maximum: 120 }))),
    report_emails: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type ProfileChanges = Static<typeof ProfileChangesSchema>;

export const EmailSchema = Type.Object(
  { email: Nullable(Type.String({ minLength: 3, maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+$', description: 'the address of the ID token\'s email claim, or null' })) },
  { additionalProperties: false },
);
export type EmailBody = Static<typeof EmailSchema>;
