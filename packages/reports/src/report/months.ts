// Months as 'YYYY-MM'. A month's reports are built once it has ended everywhere: at 12:00 UTC on
// the first of the next month, every time zone (UTC-12 to UTC+14) has left it.
export const MONTH_PATTERN = '^[0-9]{4}-(0[1-9]|1[0-2])$';

export function monthOf(date: Date): string {
  return date.toISOString().slice(0, 7);
}

export function addMonths(month: string, count: number): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + count;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The newest month whose reports may be built at `now`. */
export function lastCompletedMonth(now: Date): string {
  const current = monthOf(now);
  const endedEverywhere = now.getUTCDate() > 1 || now.getUTCHours() >= 12;
  return addMonths(current, endedEverywhere ? -1 : -2);
}

export function monthsFrom(first: string, last: string): string[] {
  const months: string[] = [];
  for (let month = first; month <= last && months.length < 120; month = addMonths(month, 1)) months.push(month);
  return months;
}

/** The month's last day, 'YYYY-MM-DD'. */
export function lastDayOf(month: string): string {
  return new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);
}
