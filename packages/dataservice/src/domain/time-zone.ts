// Wall-clock arithmetic in IANA time zones with Intl only: what "March in Europe/Paris" means as a
// range of UTC instants, and how an instant reads on a runner's clock.

const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    // Only zones Intl accepted get here, so the map is bounded by the zone database.
    formatters.set(timeZone, format);
  }
  return format;
}

/** The canonical IANA name of a zone ("europe/paris" → "Europe/Paris"), or undefined when it is not one. */
export function canonicalTimeZone(name: string): string | undefined {
  // Offsets ("+01:00") and other forms Intl may accept are not zone names.
  if (!ZONE_NAME.test(name)) return undefined;
  try {
    return formatter(name).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** How the instant `epochSeconds` reads on a clock in `timeZone`. */
export function wallTime(epochSeconds: number, timeZone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(epochSeconds * 1000)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return { year: parts.year ?? 0, month: parts.month ?? 0, day: parts.day ?? 0, hour: parts.hour ?? 0, minute: parts.minute ?? 0, second: parts.second ?? 0 };
}

function wallAsUtcSeconds(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second) / 1000;
}

/** Seconds to add to UTC to read the clock in `timeZone` at that instant. */
export function utcOffsetSeconds(epochSeconds: number, timeZone: string): number {
  return wallAsUtcSeconds(wallTime(epochSeconds, timeZone)) - epochSeconds;
}

/**
 * The first instant at which the clock in `timeZone` shows the wall time or later: the wall time
 * itself when it exists once, its earlier occurrence when the clock falls back over it, and the
 * end of the gap when the clock springs forward over it (a day that starts at 01:00).
 */
export function instantOfWallTime(wall: WallTime, timeZone: string): number {
  const target = wallAsUtcSeconds(wall);
  // A day either side covers any single transition near the target.
  const offsets = new Set([utcOffsetSeconds(target - 86_400, timeZone), utcOffsetSeconds(target, timeZone), utcOffsetSeconds(target + 86_400, timeZone)]);
  let best: number | undefined;
  for (const offset of offsets) {
    const candidate = target - offset;
    if (wallAsUtcSeconds(wallTime(candidate, timeZone)) >= target && (best === undefined || candidate < best)) best = candidate;
  }
  return best ?? target - utcOffsetSeconds(target, timeZone);
}

/** A calendar day, as the numbers of YYYY-MM-DD. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/** The instant the day starts in `timeZone`. */
export function startOfDay(date: CalendarDate, timeZone: string): number {
  return instantOfWallTime({ ...date, hour: 0, minute: 0, second: 0 }, timeZone);
}

const monthRanges = new Map<string, readonly [number, number]>();
const MONTH_RANGES_KEPT = 5000;

/** [start, end) of a calendar month in `timeZone`, as epoch seconds (remembered: the month query's hot path). */
export function monthRange(year: number, month: number, timeZone: string): [number, number] {
  const key = `${timeZone} ${year} ${month}`;
  let range = monthRanges.get(key);
  if (range === undefined) {
    range = [startOfDay({ year, month, day: 1 }, timeZone), startOfDay(addMonths({ year, month, day: 1 }, 1), timeZone)];
    if (monthRanges.size >= MONTH_RANGES_KEPT) monthRanges.delete(monthRanges.keys().next().value as string);
    monthRanges.set(key, range);
  }
  return [range[0], range[1]];
}

/** [start of `from`, start of the day after `to`) in `timeZone`: both days included. */
export function dayRange(from: CalendarDate, to: CalendarDate, timeZone: string): [number, number] {
  return [startOfDay(from, timeZone), startOfDay(addDays(to, 1), timeZone)];
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses YYYY-MM-DD into a real calendar day (no 2026-02-30), or undefined. */
export function parseCalendarDate(text: string): CalendarDate | undefined {
  const match = DATE.exec(text);
  if (!match) return undefined;
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  const check = new Date(Date.UTC(date.year, date.month - 1, date.day));
  if (check.getUTCFullYear() !== date.year || check.getUTCMonth() !== date.month - 1 || check.getUTCDate() !== date.day) return undefined;
  return date;
}

function fromUtcDate(value: Date): CalendarDate {
  return { year: value.getUTCFullYear(), month: value.getUTCMonth() + 1, day: value.getUTCDate() };
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return fromUtcDate(new Date(Date.UTC(date.year, date.month - 1, date.day + days)));
}

export function addMonths(date: CalendarDate, months: number): CalendarDate {
  return fromUtcDate(new Date(Date.UTC(date.year, date.month - 1 + months, date.day)));
}

/** 1 for Monday ... 7 for Sunday (ISO 8601). */
export function isoWeekday(date: CalendarDate): number {
  const day = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
  return day === 0 ? 7 : day;
}

/** Whole days from `a` to `b`. */
export function daysBetween(a: CalendarDate, b: CalendarDate): number {
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86_400_000);
}

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

export function formatDate(date: CalendarDate): string {
  return `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}`;
}

/** 'YYYY-MM-DDTHH:MM:SSZ'. */
export function formatUtc(epochSeconds: number): string {
  return `${new Date(epochSeconds * 1000).toISOString().slice(0, 19)}Z`;
}

/** The wall time of the instant in the zone, without offset: 'YYYY-MM-DDTHH:MM:SS'. */
export function formatLocal(epochSeconds: number, timeZone: string): string {
  const wall = wallTime(epochSeconds, timeZone);
  return `${formatDate(wall)}T${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)}`;
}

/** The calendar day the instant falls on in the zone. */
export function localDate(epochSeconds: number, timeZone: string): CalendarDate {
  const wall = wallTime(epochSeconds, timeZone);
  return { year: wall.year, month: wall.month, day: wall.day };
}
