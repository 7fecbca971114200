const formatters = new Map<string, Intl.DateTimeFormat>();

/** Building a formatter is slow (about a millisecond): one per zone, kept. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Offsets and local times in an IANA zone, from the runtime's time zone data (Intl). */
export function utcOffsetSeconds(timeZone: string, epochMs: number): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(epochMs));
  const field = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  const asUtc = Date.UTC(field('year'), field('month') - 1, field('day'), field('hour'), field('minute'), field('second'));
  return Math.round((asUtc - Math.floor(epochMs / 1000) * 1000) / 1000);
}

/** ISO 8601 without milliseconds, as Strava writes `start_date`. */
export function isoSeconds(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Strava's `start_date_local`: the local wall-clock time, written with a (misleading) Z suffix. */
export function localIsoSeconds(timeZone: string, epochMs: number, offset = utcOffsetSeconds(timeZone, epochMs)): string {
  return isoSeconds(epochMs + offset * 1000);
}

/** Strava's `timezone` field, for example "(GMT+01:00) Europe/Paris". */
export function stravaTimeZone(timeZone: string, epochMs: number, offset = utcOffsetSeconds(timeZone, epochMs)): string {
  const sign = offset < 0 ? '-' : '+';
  const minutes = Math.abs(offset) / 60;
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `(GMT${sign}${hh}:${mm}) ${timeZone}`;
}

/** The local hour of the day (0-23) in the zone. */
export function localHour(timeZone: string, epochMs: number): number {
  return new Date(epochMs + utcOffsetSeconds(timeZone, epochMs) * 1000).getUTCHours();
}
