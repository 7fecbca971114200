import { Type } from '@sinclair/typebox';

export const SubjectParams = Type.Object({ sub: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._~:@-]+$', description: '`me` or the token\'s subject' }) });

export const Template = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    race: Type.Union([Type.Literal('5k'), Type.Literal('10k'), Type.Literal('half'), Type.Literal('marathon')]),
    level: Type.Union([Type.Literal('beginner'), Type.Literal('intermediate')]),
    race_distance: Type.Number({ description: 'metres' }),
    weeks: Type.Integer(),
    min_weeks: Type.Integer(),
    peak_weekly_distance: Type.Number({ description: 'metres' }),
    longest_run: Type.Number({ description: 'metres' }),
    runs_per_week: Type.Integer(),
    description: Type.String(),
  },
  { $id: 'Template' },
);

const SessionKind = Type.Union(['easy', 'long', 'intervals', 'tempo', 'rest', 'race'].map((kind) => Type.Literal(kind)));

const Session = Type.Object({
  date: Type.String({ format: 'date' }),
  kind: SessionKind,
  title: Type.String(),
  description: Type.String(),
  distance: Type.Number({ description: 'metres' }),
  matched: Type.Union([Type.Boolean(), Type.Null()], { description: 'a run that day covered the session; null for days to come, rest days, or when runs cannot be read' }),
});

const Week = Type.Object({
  index: Type.Integer(),
  start: Type.String({ format: 'date', description: 'Monday' }),
  phase: Type.Union(['build', 'peak', 'taper', 'race'].map((phase) => Type.Literal(phase))),
  distance: Type.Number(),
  training_distance: Type.Number(),
  sessions: Type.Array(Session),
});

const PlanTemplateRef = Type.Object({ id: Type.String(), name: Type.String() });
const PlanRace = Type.Object({ id: Type.String(), name: Type.String(), date: Type.String({ format: 'date' }), distance: Type.Number({ description: 'metres' }) });

/** The internal answer: a plan's sessions over a window of days. */
export const PlanWindow = Type.Object({
  id: Type.String(),
  template: PlanTemplateRef,
  race: PlanRace,
  from: Type.String({ format: 'date' }),
  to: Type.String({ format: 'date' }),
  sessions: Type.Array(
    Type.Object({
      date: Type.String({ format: 'date' }),
      kind: SessionKind,
      title: Type.String(),
      distance: Type.Number({ description: 'target, in metres; 0 on rest days' }),
    }),
    { description: 'every day of the plan inside the window, rest days included, oldest first' },
  ),
  updated_at: Type.String({ format: 'date-time', description: 'when the runner last chose the plan' }),
});

export const Plan = Type.Object(
  {
    id: Type.String(),
    template: PlanTemplateRef,
    race: PlanRace,
    base_weekly_distance: Type.Number({ description: 'the weekly distance the build starts from, in metres' }),
    today: Type.String({ format: 'date', description: 'today in the runner\'s time zone' }),
    current_week: Type.Union([Type.Integer(), Type.Null()], { description: 'index of this week, null before or after the plan' }),
    weeks: Type.Array(Week),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'Plan' },
);

export const PlanChoice = Type.Object(
  {
    template_id: Type.String({ minLength: 1, maxLength: 64 }),
    race_id: Type.String({ minLength: 1, maxLength: 128 }),
  },
  { additionalProperties: false },
);
