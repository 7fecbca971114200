// The plan templates: 5K, 10K, half marathon and marathon, each at beginner and intermediate level.
// A template fixes the shape of a plan (how many weeks, which days carry which kind of session,
// the peak weekly distance and longest run, the taper); the schedule generator scales it to the
// runner's recent weekly distance and to the race date.

export type Level = 'beginner' | 'intermediate';
export type RaceDistance = '5k' | '10k' | 'half' | 'marathon';
export type SessionKind = 'easy' | 'long' | 'intervals' | 'tempo' | 'rest' | 'race';

/** Day of the week, ISO numbering: 1 is Monday, 7 is Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface PlanTemplate {
  id: string;
  name: string;
  race: RaceDistance;
  level: Level;
  /** Race distance in metres. */
  raceDistance: number;
  /** Length of the plan when there is time for all of it. */
  weeks: number;
  /** Fewest weeks that still make a plan (the race is sooner: refused). */
  minWeeks: number;
  /** Weekly distance at the peak of the build, in metres. */
  peakWeekly: number;
  /** Weekly distance a plan starts from when the runner has run less, in metres. */
  startWeekly: number;
  /** Longest run of the plan, in metres. */
  longestRun: number;
  /** Share of each taper week's distance relative to the peak, last week (race week) last. */
  taper: readonly number[];
  /** Which session each training day carries; days not listed are rest. */
  days: Readonly<Partial<Record<Weekday, Exclude<SessionKind, 'rest' | 'race'>>>>;
  description: string;
}

const km = (value: number): number => value * 1000;

export const TEMPLATES: readonly PlanTemplate[] = [
  {
    id: '5k-beginner', name: '5K for beginners', race: '5k', level: 'beginner', raceDistance: km(5), weeks: 8, minWeeks: 4,
    peakWeekly: km(20), startWeekly: km(8), longestRun: km(8), taper: [0.6],
    days: { 2: 'easy', 4: 'easy', 6: 'long' },
    description: 'Three runs a week, building gently to a comfortable 5K.',
  },
  {
    id: '5k-intermediate', name: '5K, intermediate', race: '5k', level: 'intermediate', raceDistance: km(5), weeks: 8, minWeeks: 4,
    peakWeekly: km(35), startWeekly: km(18), longestRun: km(12), taper: [0.6],
    days: { 2: 'intervals', 3: 'easy', 4: 'tempo', 6: 'easy', 7: 'long' },
    description: 'Five runs a week with intervals and a tempo run, for a faster 5K.',
  },
  {
    id: '10k-beginner', name: '10K for beginners', race: '10k', level: 'beginner', raceDistance: km(10), weeks: 10, minWeeks: 5,
    peakWeekly: km(28), startWeekly: km(10), longestRun: km(12), taper: [0.6],
    days: { 2: 'easy', 4: 'easy', 7: 'long' },
    description: 'Three runs a week towards your first 10K.',
  },
  {
    id: '10k-intermediate', name: '10K, intermediate', race: '10k', level: 'intermediate', raceDistance: km(10), weeks: 10, minWeeks: 5,
    peakWeekly: km(45), startWeekly: km(22), longestRun: km(16), taper: [0.75, 0.55],
    days: { 2: 'intervals', 3: 'easy', 4: 'tempo', 6: 'easy', 7: 'long' },
    description: 'Five runs a week with speed work, for a faster 10K.',
  },
  {
    id: 'half-beginner', name: 'Half marathon for beginners', race: 'half', level: 'beginner', raceDistance: 21_097.5, weeks: 12, minWeeks: 6,
    peakWeekly: km(38), startWeekly: km(15), longestRun: km(18), taper: [0.75, 0.5],
    days: { 2: 'easy', 4: 'easy', 5: 'easy', 7: 'long' },
    description: 'Four runs a week to finish a half marathon comfortably.',
  },
  {
    id: 'half-intermediate', name: 'Half marathon, intermediate', race: 'half', level: 'intermediate', raceDistance: 21_097.5, weeks: 12, minWeeks: 6,
    peakWeekly: km(55), startWeekly: km(28), longestRun: km(21), taper: [0.75, 0.5],
    days: { 2: 'intervals', 3: 'easy', 4: 'tempo', 6: 'easy', 7: 'long' },
    description: 'Five runs a week with intervals and tempo runs for a half-marathon time.',
  },
  {
    id: 'marathon-beginner', name: 'Marathon for beginners', race: 'marathon', level: 'beginner', raceDistance: 42_195, weeks: 18, minWeeks: 10,
    peakWeekly: km(55), startWeekly: km(20), longestRun: km(32), taper: [0.75, 0.6, 0.4],
    days: { 2: 'easy', 3: 'easy', 5: 'easy', 7: 'long' },
    description: 'Four runs a week, long runs building to 32 km, for a first marathon.',
  },
  {
    id: 'marathon-intermediate', name: 'Marathon, intermediate', race: 'marathon', level: 'intermediate', raceDistance: 42_195, weeks: 16, minWeeks: 10,
    peakWeekly: km(75), startWeekly: km(35), longestRun: km(34), taper: [0.75, 0.6, 0.4],
    days: { 2: 'intervals', 3: 'easy', 4: 'tempo', 6: 'easy', 7: 'long' },
    description: 'Five runs a week with quality sessions, for a marathon time.',
  },
];

export function findTemplate(id: string): PlanTemplate | undefined {
  return TEMPLATES.find((template) => template.id === id);
}
