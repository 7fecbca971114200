// Scales a template to a race date and to the runner: the plan starts this week, builds weekly
// distance from what the runner has been running (never more than 10% above the week before),
// holds at the template's peak, then tapers into race week.
import type { PlanTemplate, SessionKind, Weekday } from '../templates/catalog.js';
import { sessionDescription, sessionTitle } from '../templates/workouts.js';
import { addDays, daysBetween, mondayOf, weekday } from './local-dates.js';

export const MAX_WEEKLY_INCREASE = 0.1;
/** A plan longer than this is not a plan for this race yet. */
export const MAX_PLAN_WEEKS = 52;
/** Long runs take about this share of a week's distance, up to the template's longest run. */
const LONG_RUN_SHARE = 0.35;
/** Distances are rounded to this, in metres. */
const ROUNDING = 500;

export interface PlannedSession {
  date: string;
  kind: SessionKind;
  title: string;
  description: string;
  /** Metres; 0 on rest days. */
  distance: number;
}

export type Phase = 'build' | 'peak' | 'taper' | 'race';

export interface PlannedWeek {
  index: number;
  /** Monday of the week. */
  start: string;
  phase: Phase;
  /** Sum of the week's sessions, in metres (with the race itself in race week). */
  distance: number;
  /** The week's training distance, without the race: what the 10% rule bounds. */
  training_distance: number;
  sessions: PlannedSession[];
}

export interface GeneratedPlan {
  start: string;
  weeks: PlannedWeek[];
  /** The weekly distance the build started from, in metres. */
  baseWeekly: number;
}

export class PlanRefused extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'PlanRefused';
  }
}

// Rounded down, so a week's sessions never add up to more than its target.
const roundDown = (metres: number): number => Math.max(0, Math.floor(metres / ROUNDING) * ROUNDING);

/** Where the build starts: what the runner has been running, within the template's range. */
export function startingWeekly(template: PlanTemplate, recentWeekly: number): number {
  return Math.max(template.startWeekly, Math.min(recentWeekly, template.peakWeekly));
}

function sessionsOfWeek(template: PlanTemplate, monday: string, weekly: number, raceDate: string | undefined): PlannedSession[] {
  const trainingDays = (Object.keys(template.days).map(Number) as Weekday[]).sort((a, b) => a - b);
  const raceDay = raceDate === undefined ? undefined : weekday(raceDate);
  // In race week the days from the eve of the race on are rest, and the race counts in the week.
  const usable = trainingDays.filter((day) => raceDay === undefined || day < raceDay - 1);
  const budget = Math.max(0, weekly - (raceDate === undefined ? 0 : template.raceDistance));
  // Long runs take their share of the week first; the other sessions share the rest equally.
  const hasLong = usable.some((day) => template.days[day] === 'long');
  const long = hasLong ? Math.min(template.longestRun, budget * LONG_RUN_SHARE) : 0;
  const others = usable.filter((day) => template.days[day] !== 'long');
  const each = others.length > 0 ? (budget - long) / others.length : 0;
  const sessions: PlannedSession[] = [];
  for (let day = 1; day <= 7; day += 1) {
    const date = addDays(monday, day - 1);
    let kind: SessionKind = template.days[day as Weekday] ?? 'rest';
    if (raceDay !== undefined && day === raceDay) kind = 'race';
    else if (raceDay !== undefined && day >= raceDay - 1) kind = 'rest';
    const distance = kind === 'race' ? template.raceDistance : kind === 'rest' ? 0 : roundDown(kind === 'long' ? long : each);
    sessions.push({ date, kind: distance === 0 && kind !== 'rest' && kind !== 'race' ? 'rest' : kind, title: '', description: '', distance });
  }
  for (const session of sessions) {
    session.title = sessionTitle(session.kind);
    session.description = sessionDescription(session.kind, template.race);
  }
  return sessions;
}

/**
 * The plan from the week of `today` to the week of `raceDate` (both in the runner's time zone),
 * or PlanRefused when the race is past, too soon for the template, or more than a year away.
 */
export function generatePlan(template: PlanTemplate, raceDate: string, today: string, recentWeekly: number): GeneratedPlan {
  if (raceDate < today) throw new PlanRefused('race_date', 'the race is in the past');
  const start = mondayOf(today);
  const weeks = daysBetween(start, mondayOf(raceDate)) / 7 + 1;
  if (weeks < template.minWeeks) throw new PlanRefused('race_date', `the race is in ${weeks} week(s); ${template.name} needs at least ${template.minWeeks}`);
  if (weeks > MAX_PLAN_WEEKS) throw new PlanRefused('race_date', `the race is more than ${MAX_PLAN_WEEKS} weeks away`);
  const taperWeeks = Math.min(template.taper.length, weeks - 1);
  const taper = template.taper.slice(template.taper.length - taperWeeks);
  const base = startingWeekly(template, recentWeekly);
  const plannedWeeks: PlannedWeek[] = [];
  let previous: number | undefined;
  let top = base;
  for (let index = 0; index < weeks; index += 1) {
    const tapering = index >= weeks - taperWeeks;
    // Each week's target follows from what the week before really holds (after rounding).
    const target = tapering
      ? top * taper[index - (weeks - taperWeeks)]!
      : previous === undefined ? base : Math.min(template.peakWeekly, previous * (1 + MAX_WEEKLY_INCREASE));
    const isRaceWeek = index === weeks - 1;
    const monday = addDays(start, index * 7);
    const sessions = sessionsOfWeek(template, monday, isRaceWeek ? target + template.raceDistance : target, isRaceWeek ? raceDate : undefined);
    const training = sessions.filter((session) => session.kind !== 'race').reduce((sum, session) => sum + session.distance, 0);
    if (!tapering) top = training;
    previous = training;
    const phase: Phase = isRaceWeek ? 'race' : tapering ? 'taper' : training >= roundDown(template.peakWeekly) - ROUNDING * 4 ? 'peak' : 'build';
    plannedWeeks.push({ index, start: monday, phase, distance: sessions.reduce((sum, session) => sum + session.distance, 0), training_distance: training, sessions });
  }
  return { start, weeks: plannedWeeks, baseWeekly: Math.round(base) };
}
