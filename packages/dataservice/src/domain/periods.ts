// The periods of a totals answer: ISO weeks (Monday to Sunday) or calendar months, on the runner's
// calendar, each a [start, end) range of instants. Every period that overlaps from..to is counted whole.
import { addDays, addMonths, isoWeekday, startOfDay, type CalendarDate } from './time-zone.js';

export type PeriodKind = 'week' | 'month';

export interface Period {
  /** The local day the period starts. */
  start: CalendarDate;
  startTime: number;
  endTime: number;
}

function firstPeriodStart(from: CalendarDate, kind: PeriodKind): CalendarDate {
  return kind === 'week' ? addDays(from, 1 - isoWeekday(from)) : { year: from.year, month: from.month, day: 1 };
}

function next(start: CalendarDate, kind: PeriodKind): CalendarDate {
  return kind === 'week' ? addDays(start, 7) : addMonths(start, 1);
}

function compare(a: CalendarDate, b: CalendarDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

/** The periods covering from..to (both days included), oldest first. */
export function periodsCovering(from: CalendarDate, to: CalendarDate, kind: PeriodKind, timeZone: string): Period[] {
  const periods: Period[] = [];
  let start = firstPeriodStart(from, kind);
  let startTime = startOfDay(start, timeZone);
  while (compare(start, to) <= 0) {
    const following = next(start, kind);
    const endTime = startOfDay(following, timeZone);
    periods.push({ start, startTime, endTime });
    start = following;
    startTime = endTime;
  }
  return periods;
}

/** The index of the period holding the instant, by binary search, or -1. */
export function periodIndex(periods: readonly Period[], time: number): number {
  let low = 0;
  let high = periods.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const period = periods[middle]!;
    if (time < period.startTime) high = middle - 1;
    else if (time >= period.endTime) low = middle + 1;
    else return middle;
  }
  return -1;
}
