// The reads both APIs share: a month of runs, a range of days, a page of recent runs and the
// totals per period, all on the runner's own calendar.
import { badRequest } from '@runnerly/http-service';
import { decodeTimeCursor, encodeCursor } from '../domain/page-cursor.js';
import { periodIndex, periodsCovering, type PeriodKind } from '../domain/periods.js';
import { daysBetween, dayRange, formatDate, monthRange, parseCalendarDate, type CalendarDate } from '../domain/time-zone.js';
import type { Profile } from '../schemas/profile-schemas.js';
import type { Run, Totals } from '../schemas/run-schemas.js';
import type { RunStore } from '../storage/run-store.js';

/** Most runs one month or range answers with (a month of more than this many runs is not a runner's). */
export const MAX_RUNS_PER_LIST = 1000;
/** Longest from..to of a run listing, in days. */
export const MAX_RANGE_DAYS = 366;
/** Longest from..to of a totals answer, in days (about five years). */
export const MAX_TOTALS_DAYS = 5 * 366;
export const DEFAULT_PAGE_SIZE = 50;

export interface RunList {
  runs: Run[];
  next_cursor: string | null;
}

function requireDate(text: string, field: string): CalendarDate {
  const date = parseCalendarDate(text);
  if (!date) throw badRequest(field, 'is not a real calendar day');
  return date;
}

/** `from` and `to` as days, to not before from and the range at most `maxDays` long. */
export function dayBounds(fromText: string, toText: string, maxDays: number): [CalendarDate, CalendarDate] {
  const from = requireDate(fromText, 'from');
  const to = requireDate(toText, 'to');
  const days = daysBetween(from, to);
  if (days < 0) throw badRequest('to', 'must not be before from');
  if (days >= maxDays) throw badRequest('to', `must be less than ${maxDays} days after from`);
  return [from, to];
}

/** year and month come together; `year` names the one given alone. */
export function yearMonth(query: { year?: number | undefined; month?: number | undefined }): { year: number; month: number } | undefined {
  if (query.year === undefined && query.month === undefined) return undefined;
  if (query.year === undefined) throw badRequest('year', 'is required with month');
  if (query.month === undefined) throw badRequest('month', 'is required with year');
  return { year: query.year, month: query.month };
}

export async function monthOfRuns(runs: RunStore, profile: Profile, year: number, month: number): Promise<RunList> {
  const [start, end] = monthRange(year, month, profile.timezone);
  return { runs: await runs.listBetween(profile.id, start, end, MAX_RUNS_PER_LIST), next_cursor: null };
}

export async function rangeOfRuns(runs: RunStore, profile: Profile, fromText: string, toText: string): Promise<RunList> {
  const [from, to] = dayBounds(fromText, toText, MAX_RANGE_DAYS);
  const [start, end] = dayRange(from, to, profile.timezone);
  return { runs: await runs.listBetween(profile.id, start, end, MAX_RUNS_PER_LIST), next_cursor: null };
}

export async function pageOfRuns(runs: RunStore, profile: Profile, limit = DEFAULT_PAGE_SIZE, cursor?: string): Promise<RunList> {
  const page = await runs.listRecent(profile.id, limit, cursor === undefined ? undefined : decodeTimeCursor(cursor));
  return { runs: page.runs, next_cursor: page.next ? encodeCursor([page.next.start_time, page.next.id]) : null };
}

export async function totalsOf(runs: RunStore, profile: Profile, fromText: string, toText: string, kind: PeriodKind): Promise<Totals> {
  const [from, to] = dayBounds(fromText, toText, MAX_TOTALS_DAYS);
  const periods = periodsCovering(from, to, kind, profile.timezone);
  const totals = periods.map((period) => ({ start: formatDate(period.start), distance: 0, moving_time: 0, elapsed_time: 0, count: 0, elevation_gain: 0 }));
  const first = periods[0];
  const last = periods[periods.length - 1];
  if (first && last) {
    for (const run of await runs.measuresBetween(profile.id, first.startTime, last.endTime)) {
      const total = totals[periodIndex(periods, run.start_time)];
      if (!total) continue;
      total.distance += run.distance;
      total.moving_time += run.moving_time;
      total.elapsed_time += run.elapsed_time;
      total.elevation_gain += run.total_elevation_gain;
      total.count += 1;
    }
  }
  // Sums of floats: rounded to what the inputs can mean (millimetres).
  for (const total of totals) {
    total.distance = Math.round(total.distance * 1000) / 1000;
    total.elevation_gain = Math.round(total.elevation_gain * 1000) / 1000;
  }
  return { period: kind, totals };
}
